using Orleans.Concurrency;

namespace Dispatch.Incidents;

[GenerateSerializer, Alias("Dispatch.IncidentRegisterState")]
public sealed class IncidentRegisterState
{
    [Id(0)] public Dictionary<string, IncidentSummary> Cases { get; set; } = [];
}

/// <summary>
/// One part of the register. Reentrant, so the updates that arrive while a write is in flight
/// share the next write (<see cref="GroupCommit"/>).
/// </summary>
[Reentrant, GrainType("incident-register")]
public sealed class IncidentRegisterGrain : Grain, IIncidentRegisterGrain
{
    private readonly IPersistentState<IncidentRegisterState> _state;
    private readonly GroupCommit _commit;

    public IncidentRegisterGrain([PersistentState("incident-register")] IPersistentState<IncidentRegisterState> state)
    {
        _state = state;
        _commit = new GroupCommit(state.WriteStateAsync);
    }

    public Task Upsert(IncidentSummary summary)
    {
        if (_state.State.Cases.TryGetValue(summary.Id, out var held) && held.Version >= summary.Version)
        {
            return Task.CompletedTask;
        }

        _state.State.Cases[summary.Id] = summary;
        return _commit.CommitAsync();
    }

    public Task<IReadOnlyList<IncidentSummary>> Query(IncidentQuery query, DateTimeOffset now)
    {
        var matches = _state.State.Cases.Values.Where(s => query.Matches(s, now)).ToList();
        matches.Sort(IncidentCursor.NewestFirst);
        IReadOnlyList<IncidentSummary> page = matches.Count <= query.Limit ? matches : matches.GetRange(0, query.Limit);
        return Task.FromResult(page);
    }
}
