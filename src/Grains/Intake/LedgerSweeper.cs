using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Intake;

/// <summary>
/// Runs on every silo and sweeps every ledger partition on a fixed beat. Because every silo
/// does it, a partition whose silo died is reactivated elsewhere within one beat, without
/// waiting for a minute-scale reminder.
/// </summary>
public sealed partial class LedgerSweeper(
    IGrainFactory grains,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger<LedgerSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var beat = new PeriodicTimer(options.Value.RedriveSweepInterval, time.Provider);
        try
        {
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAll();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sweeps every partition once.</summary>
    public async Task SweepAll()
    {
        var partitions = options.Value.LedgerPartitions;
        var sweeps = new Task[partitions];
        for (var p = 0; p < partitions; p++)
        {
            sweeps[p] = grains.GetGrain<IIntakeLedgerGrain>(p).Sweep();
        }

        try
        {
            await Task.WhenAll(sweeps);
        }
        catch (Exception ex)
        {
            // The silo may be starting or stopping, or a partition moving: the next beat retries.
            LogSweepFailed(logger, ex);
        }
    }

    [LoggerMessage(4101, LogLevel.Debug, "Sweeping the re-drive ledger failed; retrying on the next beat")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
