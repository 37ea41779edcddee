using Dispatch.Desks;
using Dispatch.Errors;

namespace Dispatch.Workforce;

[GenerateSerializer, Alias("Dispatch.WorkerState")]
public sealed class WorkerState
{
    [Id(0)] public WorkerProfile? Profile { get; set; }
}

/// <summary>
/// One worker: profile, skills and duty status. Their cases live on their grid's desk, which is
/// the one place that assigns them, so the worker grain asks the desk rather than keeping a copy.
/// </summary>
[GrainType("worker")]
public sealed class WorkerGrain(
    [PersistentState("worker")] IPersistentState<WorkerState> state) : Grain, IWorkerGrain
{
    private string WorkerId => this.GetPrimaryKeyString();

    public async Task Configure(WorkerProfile profile)
    {
        if (profile.Id != WorkerId)
        {
            throw new ValidationFailedException("id", $"Profile of worker '{profile.Id}' sent to worker '{WorkerId}'.");
        }

        if (string.IsNullOrWhiteSpace(profile.GridId))
        {
            throw new ValidationFailedException("gridId", "A worker belongs to a grid.");
        }

        state.State.Profile = profile;
        await state.WriteStateAsync();
        await Grid(profile).UpsertWorker(profile);
    }

    public async Task<WorkerView?> Get()
    {
        if (state.State.Profile is not { } profile)
        {
            return null;
        }

        var assignments = await Grid(profile).GetAssignments(WorkerId);
        return new WorkerView(profile, profile.OnDuty, assignments);
    }

    public async Task<WorkerView> SetDuty(bool onDuty, string actor)
    {
        var profile = state.State.Profile ?? throw new NotFoundException("worker", WorkerId);
        if (profile.OnDuty != onDuty)
        {
            state.State.Profile = profile = profile with { OnDuty = onDuty };
            await state.WriteStateAsync();
        }

        // Told every time, even when unchanged here: a desk that missed the last change catches up.
        await Grid(profile).ChangeDuty(WorkerId, onDuty);
        return new WorkerView(profile, onDuty, await Grid(profile).GetAssignments(WorkerId));
    }

    private IGridGrain Grid(WorkerProfile profile) => GrainFactory.GetGrain<IGridGrain>(profile.GridId);
}
