using Dispatch.Errors;
using Dispatch.Incidents;

namespace Dispatch.Intake;

[GenerateSerializer, Alias("Dispatch.IdempotencyState")]
public sealed class IdempotencyState
{
    [Id(0)] public string? IncidentId { get; set; }
    [Id(1)] public string? Fingerprint { get; set; }
    [Id(2)] public DateTimeOffset ReservedAt { get; set; }
}

/// <summary>
/// Not reentrant: each request under the key runs to its end (registered, replayed or refused)
/// before the next one looks at the key. That is what makes racing requests safe.
/// </summary>
[GrainType("idempotency")]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> state,
    DispatchTime time) : Grain, IIdempotencyGrain
{
    public const string Field = "Idempotency-Key";

    public async Task<IdempotentReport> Report(string fingerprint, NewReport report, ActorRef actor)
    {
        if (state.State.IncidentId is { } reserved && await Incident(reserved).Get() is { } registered)
        {
            return state.State.Fingerprint == fingerprint
                ? new IdempotentReport(registered, Replayed: true)
                : throw new ValidationFailedException(Field, $"This idempotency key was used for a different report ({reserved}).");
        }

        // No case under the key yet (a new key, or an earlier attempt cut off before its case was
        // recorded): validate and locate first, so a refused report writes nothing.
        var registration = await GrainFactory.GetGrain<IIntakeGrain>(0).Prepare(report with { IncidentId = null }, actor);
        if (state.State.IncidentId is null || state.State.Fingerprint != fingerprint)
        {
            var now = time.Now;
            state.State.IncidentId ??= IncidentIds.New(now);
            state.State.Fingerprint = fingerprint;
            state.State.ReservedAt = now;
            await state.WriteStateAsync();
        }

        // The key is written before the case: a retry after a failure here registers the same case number, at most once.
        return new IdempotentReport(await Incident(state.State.IncidentId).Register(registration), Replayed: false);
    }

    private IIncidentGrain Incident(string id) => GrainFactory.GetGrain<IIncidentGrain>(id);
}
