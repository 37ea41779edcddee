using System.Diagnostics;
using System.Globalization;
using Dispatch.Bench.Stats;
using Npgsql;

namespace Dispatch.Bench.Baseline;

/// <summary>
/// The baseline's clock: a loop that every period runs one UPDATE escalating every case whose
/// pending deadline has passed — first its resolve deadline, then the window of each level it was
/// escalated to — the way a database-centric system runs its timers (a cron job or a scheduler
/// thread). Records how late each escalation was by the database's clock.
/// </summary>
public sealed class DeadlineScanner : IAsyncDisposable
{
    /// <summary>
    /// The partial index on <c>escalate_at</c> makes finding due cases cheap however many are open.
    /// The next deadline is the window of the level reached (none past the district: the city is the top).
    /// </summary>
    private const string Escalate = """
        UPDATE cases c
        SET escalation_level = c.escalation_level + 1,
            escalated_at = clock_timestamp(),
            escalated_deadline = c.escalate_at,
            escalate_at = clock_timestamp() + (SELECT w.sit_for FROM escalation_windows w
                                               WHERE w.urgency = c.urgency AND w.level = c.escalation_level + 1)
        WHERE c.escalate_at <= now()
        RETURNING extract(epoch FROM c.escalated_at - c.escalated_deadline) * 1000
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _every;
    private readonly CancellationTokenSource _stop = new();
    private readonly Percentiles _lateness = new();
    private readonly Percentiles _scanTime = new();
    private readonly Dictionary<string, int> _errors = [];
    private readonly Task _loop;

    private DeadlineScanner(NpgsqlDataSource dataSource, TimeSpan every)
    {
        _dataSource = dataSource;
        _every = every;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    public static DeadlineScanner Start(NpgsqlDataSource dataSource, TimeSpan every) =>
        every > TimeSpan.Zero ? new DeadlineScanner(dataSource, every) : throw new ArgumentException("--scan-every is above 0 seconds.");

    /// <summary>Stops the loop after the scan under way and returns what it did.</summary>
    public async Task<ScannerFigures> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_errors)
        {
            return new ScannerFigures(_every, _scanTime.Summarize(), _lateness.Summarize(), _errors.ToDictionary());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(_every);
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                // A scan is not cancelled midway: stopping waits for it, so its escalations are counted.
                await ScanAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var command = _dataSource.CreateCommand(Escalate);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _lateness.Add(reader.GetDouble(0));
            }
        }
        catch (NpgsqlException ex)
        {
            // One failed scan is retried by the next; count it instead of stopping the clock.
            lock (_errors)
            {
                var kind = ex is PostgresException pg ? $"PostgreSQL {pg.SqlState}" : ex.GetType().Name;
                _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
            }
        }

        _scanTime.Add(Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>What the scanner did: how long its scans took and how late each escalation was (escalated_at − the deadline).</summary>
public sealed record ScannerFigures(TimeSpan Every, LatencySummary ScanTime, LatencySummary Lateness, IReadOnlyDictionary<string, int> Errors)
{
    public void Print(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  deadline scanner (one UPDATE every {Every.TotalSeconds:0.###} s): {ScanTime.Count:N0} scans, {Lateness.Count:N0} escalations{(Errors.Count == 0 ? "" : $", failed scans: {string.Join(", ", Errors.Select(e => $"{e.Key} ×{e.Value}"))}")}"));
        output.WriteLine($"    scan time:            {ScanTime}");
        output.WriteLine($"    escalation lateness:  {Lateness}");
    }
}
