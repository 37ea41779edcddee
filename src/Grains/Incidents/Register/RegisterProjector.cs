using Dispatch.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatch.Incidents;

/// <summary>
/// Keeps the register current: on every silo, shortly after this silo's journal commits (and at
/// least once a second, for what other silos commit), applies the journal rows the register has not
/// applied. Passes of several silos take turns on the register's checkpoint, so each row is applied
/// once; a pass that fails changes nothing and the next one does its work.
/// </summary>
public sealed partial class RegisterProjector(ICaseRegister register, JournalSignal committed, ILogger<RegisterProjector> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    /// <summary>The least time between passes: the changes of a case within it cost one write of its line.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await committed.WaitAsync(Idle, stoppingToken);
                await Task.Delay(Gather, stoppingToken);
                try
                {
                    await register.CatchUpAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                    await Task.Delay(AfterFailure, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(4201, LogLevel.Warning, "Bringing the register up to date failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
