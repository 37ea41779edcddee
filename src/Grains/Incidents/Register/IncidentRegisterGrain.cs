using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Dispatch.Incidents;

[GenerateSerializer, Alias("Dispatch.IncidentRegisterState")]
public sealed class IncidentRegisterState
{
    [Id(0)] public Dictionary<string, IncidentSummary> Cases { get; set; } = [];
}

/// <summary>
/// One part of the register: where incidents send their summaries. With a register table
/// (<see cref="IIncidentRegisterRows"/>, SQLite or PostgreSQL storage) it only batches them into
/// it; otherwise (memory storage) it holds its part's summaries as grain state and answers the
/// searches over them. Reentrant, so the updates that arrive while a write is in flight share the
/// next write (<see cref="GroupCommit"/>).
/// </summary>
[Reentrant, GrainType("incident-register")]
public sealed partial class IncidentRegisterGrain : Grain, IIncidentRegisterGrain
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<IncidentRegisterState> _state;
    private readonly IIncidentRegisterRows? _rows;
    private readonly ILogger<IncidentRegisterGrain> _logger;
    private readonly GroupCommit _commit;
    private Dictionary<string, IncidentSummary> _unwritten = [];
    private Dictionary<string, IncidentSummary>? _cases;
    private IGrainTimer? _retry;

    public IncidentRegisterGrain(
        [PersistentState("incident-register")] IPersistentState<IncidentRegisterState> state,
        IServiceProvider services,
        ILogger<IncidentRegisterGrain> logger)
    {
        _state = state;
        // Registered by the silo wiring only when the storage has a register table.
        _rows = services.GetService<IIncidentRegisterRows>();
        _logger = logger;
        _commit = new GroupCommit(_rows is null ? WriteState : WriteRows);
    }

    /// <summary>The part's summaries as they are now (memory storage); the persistent state holds the copy last handed to storage.</summary>
    private Dictionary<string, IncidentSummary> Cases => _cases ??= new(_state.State.Cases);

    public Task Upsert(IncidentSummary summary)
    {
        var held = _rows is null ? Cases : _unwritten;
        if (held.TryGetValue(summary.Id, out var known) && known.Version >= summary.Version)
        {
            return Task.CompletedTask;
        }

        held[summary.Id] = summary;
        return _commit.CommitAsync();
    }

    public Task<IReadOnlyList<IncidentSummary>> Query(IncidentQuery query, DateTimeOffset now)
    {
        if (_rows is not null)
        {
            throw new InvalidOperationException("The register is kept in its table: search it through the incident search grain.");
        }

        var matches = Cases.Values.Where(s => query.Matches(s, now)).ToList();
        matches.Sort(IncidentCursor.NewestFirst);
        IReadOnlyList<IncidentSummary> page = matches.Count <= query.Limit ? matches : matches.GetRange(0, query.Limit);
        return Task.FromResult(page);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _unwritten.Count == 0 ? Task.CompletedTask : _commit.CommitAsync();

    /// <summary>
    /// Hands storage a copy: a provider may serialize the state only once it holds a connection, on
    /// whichever thread that arrives, while this grain already takes the next updates.
    /// </summary>
    private Task WriteState()
    {
        _state.State = new IncidentRegisterState { Cases = new(Cases) };
        return _state.WriteStateAsync();
    }

    /// <summary>
    /// Writes what has arrived since the last write. Taken before the first await, so what arrives
    /// meanwhile waits for the next write. A failed batch is kept for the next write, and a retry
    /// is armed so that it does not wait for the next summary to arrive.
    /// </summary>
    private async Task WriteRows()
    {
        var batch = _unwritten;
        _unwritten = [];
        try
        {
            await _rows!.UpsertAsync(batch.Values);
        }
        catch (Exception ex)
        {
            foreach (var (id, summary) in batch)
            {
                if (!_unwritten.TryGetValue(id, out var newer) || newer.Version < summary.Version)
                {
                    _unwritten[id] = summary;
                }
            }

            LogWriteFailed(_logger, ex, batch.Count, this.GetPrimaryKeyString());
            _retry ??= this.RegisterGrainTimer(Retry, RetryAfter, RetryAfter);
            throw;
        }
    }

    private Task Retry()
    {
        if (_unwritten.Count == 0)
        {
            _retry?.Dispose();
            _retry = null;
            return Task.CompletedTask;
        }

        return _commit.CommitAsync();
    }

    [LoggerMessage(1201, LogLevel.Warning, "Writing {Count} summaries of register part {Part} failed; they are kept and retried")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, string part);
}
