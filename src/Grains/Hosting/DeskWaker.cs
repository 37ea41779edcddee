using System.Diagnostics;
using Dispatch.Desks;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Dispatch.Hosting;

/// <summary>
/// Wakes the desks that track open cases, so that each rebuilds from the journal, fires the deadlines
/// that passed while nobody held it and arms its timer again. Used when the silo starts where reminders
/// do not survive a restart (the embedded silo), and when a silo is declared dead
/// (<see cref="SiloLossWatcher"/>): the survivors wake its desks at once instead of waiting for their
/// minute-scale reminders.
/// </summary>
public sealed partial class DeskWaker(IGrainFactory grains, ICaseJournal journal, ILogger<DeskWaker> logger)
{
    /// <summary>
    /// Right after a silo is declared dead, a call can still be routed to it (the grain directory's
    /// partition it held is being taken over): try again for about 15 s before leaving the desk to its reminder.
    /// </summary>
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>
    /// Wakes every desk with open cases whose key falls to <paramref name="share"/> (null: all of them);
    /// answers how many. A desk that is awake already only checks its deadlines.
    /// </summary>
    public async Task<int> WakeAsync(Func<string, bool>? share = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var desks = (await journal.OpenDesksAsync(cancellationToken)).Where(d => share?.Invoke(d) ?? true).ToArray();
        var woken = 0;
        await Parallel.ForEachAsync(desks, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (key, token) =>
        {
            try
            {
                var desk = DeskRef.Parse(key);
                await Retry.ExecuteAsync(
                    async _ => await (desk.Level == OrgLevel.Grid ? grains.GetGrain<IGridGrain>(desk.Id).Wake() : grains.GetGrain<IDeskGrain>(key).Wake()),
                    token);
                Interlocked.Increment(ref woken);
            }
            catch (Exception ex)
            {
                // Its reminder still brings it back within a minute.
                LogWakeFailed(logger, ex, key);
            }
        });

        LogWoken(logger, woken, desks.Length, clock.Elapsed.TotalSeconds);
        return woken;
    }

    [LoggerMessage(5301, LogLevel.Information, "Woke {Woken} of {Desks} desks with open cases in {Seconds:F1} s; their deadlines are armed again")]
    private static partial void LogWoken(ILogger logger, int woken, int desks, double seconds);

    [LoggerMessage(5302, LogLevel.Warning, "Waking desk {Desk} failed, also when tried again; its reminder will wake it")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string desk);
}

/// <summary>Wakes every desk once the silo is up, where reminders do not survive a restart (the embedded silo).</summary>
public sealed partial class StartupDeskWaker(
    DeskWaker waker,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<StartupDeskWaker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WhenStarted(stoppingToken);
            if (services.GetService(typeof(DemoCitySeeder)) is DemoCitySeeder seeder)
            {
                await seeder.Loaded.WaitAsync(stoppingToken);
            }

            // Cases fold against their category: wake the desks once the installed catalog is in use.
            if (services.GetService(typeof(Catalog.CatalogRefresher)) is Catalog.CatalogRefresher catalog)
            {
                await catalog.FirstRead.WaitAsync(stoppingToken);
            }

            await waker.WakeAsync(cancellationToken: stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(5303, LogLevel.Error, "Waking the desks after start-up failed; desks wake when next called")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
