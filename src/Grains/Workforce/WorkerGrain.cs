using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Journal;

namespace Dispatch.Workforce;

[GenerateSerializer, Alias("Dispatch.WorkerState")]
public sealed class WorkerState
{
    [Id(0)] public WorkerProfile? Profile { get; set; }

    /// <summary>Grids the worker left that may still hold cases they had accepted there.</summary>
    [Id(1)] public HashSet<string> FormerGrids { get; set; } = [];
}

/// <summary>
/// One worker: profile and skills (grain state, written when the territory is loaded) and duty
/// (a row per change in the worker's own journal stream). Their cases live on their grid's desk,
/// which is the one place that assigns them, so the worker grain asks the desk rather than keeping a copy.
/// </summary>
[GrainType("worker")]
public sealed class WorkerGrain(
    [PersistentState("worker")] IPersistentState<WorkerState> state,
    ICaseJournal journal,
    DispatchTime time) : Grain, IWorkerGrain
{
    /// <summary>The last duty row; read when the grain activates.</summary>
    private JournalEntry? _lastDuty;

    private string WorkerId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = CaseStreams.OfWorker(WorkerId);
        _lastDuty = (await journal.LastEntriesAsync([stream], cancellationToken)).GetValueOrDefault(stream);
    }

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

        var previous = state.State.Profile?.GridId;
        var moves = previous is not null && previous != profile.GridId;
        state.State.Profile = profile;
        if (moves)
        {
            state.State.FormerGrids.Add(previous!);
        }

        state.State.FormerGrids.Remove(profile.GridId);
        await state.WriteStateAsync();
        await Grid(profile).UpsertWorker(profile with { OnDuty = OnDuty(profile) });
        if (moves)
        {
            // Off the old roster once on the new one: the old grid gives nothing new to someone who left,
            // and hands on what they had not accepted yet.
            await GrainFactory.GetGrain<IGridGrain>(previous!).RemoveWorker(WorkerId, $"{WorkerId} moved to grid {profile.GridId}");
        }
    }

    public async Task<WorkerView?> Get()
    {
        if (state.State.Profile is not { } profile)
        {
            return null;
        }

        var onDuty = OnDuty(profile);
        return new WorkerView(profile with { OnDuty = onDuty }, onDuty, await Assignments(profile));
    }

    /// <summary>The worker's cases on their grid, and those they accepted on grids they left and have not finished.</summary>
    private async Task<IReadOnlyList<CaseEntry>> Assignments(WorkerProfile profile)
    {
        var current = await Grid(profile).GetAssignments(WorkerId);
        if (state.State.FormerGrids.Count == 0)
        {
            return current;
        }

        var former = state.State.FormerGrids.ToArray();
        var left = await Task.WhenAll(former.Select(id => GrainFactory.GetGrain<IGridGrain>(id).GetAssignments(WorkerId)));
        var finished = former.Where((_, i) => left[i].Count == 0).ToArray();
        if (finished.Length > 0)
        {
            state.State.FormerGrids.ExceptWith(finished);
            await state.WriteStateAsync();
        }

        return [.. current, .. left.SelectMany(l => l)];
    }

    public async Task<WorkerView> SetDuty(bool onDuty, string actor)
    {
        var profile = state.State.Profile ?? throw new NotFoundException("worker", WorkerId);
        for (var attempt = 1; OnDuty(profile) != onDuty; attempt++)
        {
            var row = new DutyChange(WorkerId, profile.GridId, onDuty).Encode(_lastDuty, actor, time.Now);
            if (await journal.AppendAsync(new JournalAppend([row])))
            {
                _lastDuty = row;
                break;
            }

            if (attempt == Incidents.CaseRecorder.Attempts)
            {
                throw new StorageUnavailableException($"The duty of worker {WorkerId} kept changing; try again.");
            }

            var stream = CaseStreams.OfWorker(WorkerId);
            _lastDuty = (await journal.LastEntriesAsync([stream])).GetValueOrDefault(stream);
        }

        // Told every time, even when unchanged here: a desk that missed the last change catches up.
        await Grid(profile).ChangeDuty(WorkerId, onDuty);
        return new WorkerView(profile with { OnDuty = onDuty }, onDuty, await Assignments(profile));
    }

    private bool OnDuty(WorkerProfile profile) => _lastDuty is { } row && DutyChange.Decode(row) is { } change ? change.OnDuty : profile.OnDuty;

    private IGridGrain Grid(WorkerProfile profile) => GrainFactory.GetGrain<IGridGrain>(profile.GridId);
}
