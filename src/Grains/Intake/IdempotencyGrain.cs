using Dispatch.Incidents;

namespace Dispatch.Intake;

[GenerateSerializer, Alias("Dispatch.IdempotencyState")]
public sealed class IdempotencyState
{
    [Id(0)] public string? IncidentId { get; set; }
    [Id(1)] public string? Fingerprint { get; set; }
    [Id(2)] public DateTimeOffset ReservedAt { get; set; }
}

[GrainType("idempotency")]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> state,
    DispatchTime time) : Grain, IIdempotencyGrain
{
    public async Task<IdempotencyClaim> Claim(string fingerprint)
    {
        if (state.State.IncidentId is { } reserved)
        {
            if (state.State.Fingerprint == fingerprint)
            {
                return new IdempotencyClaim(reserved, FirstUse: false, SameRequest: true);
            }

            // A request that never became a case (it was refused) does not hold the key.
            if (await GrainFactory.GetGrain<IIncidentGrain>(reserved).Get() is not null)
            {
                return new IdempotencyClaim(reserved, FirstUse: false, SameRequest: false);
            }

            state.State.Fingerprint = fingerprint;
            await state.WriteStateAsync();
            return new IdempotencyClaim(reserved, FirstUse: true, SameRequest: true);
        }

        var now = time.Now;
        state.State.IncidentId = IncidentIds.New(now);
        state.State.Fingerprint = fingerprint;
        state.State.ReservedAt = now;
        await state.WriteStateAsync();
        return new IdempotencyClaim(state.State.IncidentId, FirstUse: true, SameRequest: true);
    }
}
