using Dispatch.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dispatch.Intake;

[GenerateSerializer, Alias("Dispatch.IntakeLedgerState")]
public sealed class IntakeLedgerState
{
    /// <summary>Incident id → when it was recorded (or last re-driven).</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Pending { get; set; } = [];
}

/// <summary>
/// One partition of the re-drive ledger. Reentrant, so the adds of many concurrent reports share
/// one storage write (<see cref="GroupCommit"/>) instead of queueing for one write each.
/// </summary>
[Reentrant, GrainType("intake-ledger")]
public sealed partial class IntakeLedgerGrain : Grain, IIntakeLedgerGrain
{
    private readonly IPersistentState<IntakeLedgerState> _state;
    private readonly DispatchTime _time;
    private readonly DispatchOptions _options;
    private readonly ILogger<IntakeLedgerGrain> _logger;
    private readonly GroupCommit _commit;
    private Dictionary<string, DateTimeOffset>? _pending;
    private bool _sweeping;

    public IntakeLedgerGrain(
        [PersistentState("intake-ledger")] IPersistentState<IntakeLedgerState> state,
        DispatchTime time,
        IOptions<DispatchOptions> options,
        ILogger<IntakeLedgerGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _commit = new GroupCommit(Write);
    }

    /// <summary>The ledger as it is now; the persistent state holds the copy last handed to storage.</summary>
    private Dictionary<string, DateTimeOffset> Pending => _pending ??= new(_state.State.Pending);

    public Task Add(string incidentId)
    {
        Pending[incidentId] = _time.Now;
        return _commit.CommitAsync();
    }

    public Task<int> PendingCount() => Task.FromResult(Pending.Count);

    public async Task Sweep()
    {
        if (_sweeping || Pending.Count == 0)
        {
            return;
        }

        _sweeping = true;
        try
        {
            var cutoff = _time.Now - _options.RedriveAfter;
            var due = Pending.Where(p => p.Value <= cutoff).Select(p => p.Key).ToArray();
            if (due.Length == 0)
            {
                return;
            }

            var results = await Task.WhenAll(due.Select(async id =>
            {
                try
                {
                    return (id, delivered: await GrainFactory.GetGrain<IIncidentGrain>(id).Redrive());
                }
                catch (Exception ex)
                {
                    LogRedriveFailed(_logger, ex, id);
                    return (id, delivered: false);
                }
            }));

            var now = _time.Now;
            var redriven = 0;
            foreach (var (id, delivered) in results)
            {
                if (delivered)
                {
                    Pending.Remove(id);
                }
                else
                {
                    // Give the re-published message its own full delay before the next attempt.
                    Pending[id] = now;
                    redriven++;
                }
            }

            if (redriven > 0)
            {
                LogRedriven(_logger, this.GetPrimaryKeyLong(), redriven);
            }

            await _commit.CommitAsync();
        }
        finally
        {
            _sweeping = false;
        }
    }

    /// <summary>
    /// Hands storage a copy: the ADO.NET provider serializes the state only once it holds a
    /// connection, on whichever thread that arrives, while this grain already takes the next adds.
    /// </summary>
    private Task Write()
    {
        _state.State = new IntakeLedgerState { Pending = new(Pending) };
        return _state.WriteStateAsync();
    }

    [LoggerMessage(4001, LogLevel.Information, "Ledger {Partition}: re-drove {Count} unacknowledged incidents")]
    private static partial void LogRedriven(ILogger logger, long partition, int count);

    [LoggerMessage(4002, LogLevel.Warning, "Re-driving incident {IncidentId} failed; will retry")]
    private static partial void LogRedriveFailed(ILogger logger, Exception exception, string incidentId);
}
