using Dispatch.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Incidents;

/// <summary>
/// The re-drive: on every silo, on a fixed beat, takes the open cases that no desk has taken in
/// although their re-drive time has come — a delivery message lost with a silo, say — and publishes
/// them to their desk again. The journal's open-case index is the ledger: taking a case out of it
/// is the same write that records its delivery, and claiming a case moves its re-drive time on, so
/// two silos sweeping at once do not both publish it.
/// </summary>
public sealed partial class DeliverySweeper(
    ICaseJournal journal,
    IClusterClient cluster,
    ICaseDeliveryPublisher publisher,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger<DeliverySweeper> logger) : BackgroundService
{
    /// <summary>The most cases one sweep takes; a longer backlog is taken over the following beats.</summary>
    public const int MaxPerSweep = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var beat = new PeriodicTimer(options.Value.RedriveSweepInterval, time.Provider);
        try
        {
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                await Sweep(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes again every undelivered case whose time has come; answers how many.</summary>
    public async Task<int> Sweep(CancellationToken cancellationToken = default)
    {
        try
        {
            var now = time.Now;
            var due = await journal.ClaimUndeliveredAsync(now, now + options.Value.RedriveAfter, MaxPerSweep, cancellationToken);
            if (due.Count == 0)
            {
                return 0;
            }

            var streams = cluster.GetStreamProvider(StreamNames.Provider);
            var rows = await journal.ReadStreamsAsync(due, cancellationToken);
            var published = 0;
            foreach (var ofCase in rows.GroupBy(r => r.Stream))
            {
                var events = CaseEventCodec.Decode(ofCase);
                if (CaseFold.Replay(events) is { IsOpen: true, Delivered: false } state)
                {
                    await publisher.Publish(streams, CaseDelivery.StreamOf(state.Tracker), new CaseRouted(state.Id, events));
                    published++;
                }
            }

            DispatchMetrics.Redrives.Add(published);
            LogRedriven(logger, published);
            return published;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The silo may be starting or stopping, or the database away: the next beat tries again.
            LogSweepFailed(logger, ex);
            return 0;
        }
    }

    [LoggerMessage(4001, LogLevel.Information, "Re-drove {Count} cases that no desk had taken in")]
    private static partial void LogRedriven(ILogger logger, int count);

    [LoggerMessage(4101, LogLevel.Debug, "The re-drive sweep failed; retrying on the next beat")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
