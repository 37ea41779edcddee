using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Telemetry;

/// <summary>
/// Open and overdue cases of the whole city, read from the register at most once per
/// <see cref="MaxAge"/>. A scrape never waits for the database: it gets the last figures, and a
/// stale read starts one refresh in the background (the next scrape sees it). Nobody scraping
/// means no queries at all.
/// </summary>
public sealed partial class CaseCountCache(
    ICaseRegister register,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger<CaseCountCache> logger) : IHostedService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private Figures? _last;
    private long _readAtTicks = long.MinValue / 2; // long ago, without overflowing the subtraction
    private int _refreshing;

    public sealed record Figures(long Open, long Overdue);

    /// <summary>The last figures read (null before the first read ends); starts a refresh when they are old.</summary>
    public Figures? Read()
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _readAtTicks) >= (long)MaxAge.TotalMilliseconds
            && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Refresh();
        }

        return Volatile.Read(ref _last);
    }

    private async Task Refresh()
    {
        try
        {
            var city = new DeskRef(OrgLevel.City, options.Value.CityId);
            var statistics = await register.StatisticsAsync(city, time.Now);
            Volatile.Write(ref _last, new Figures(statistics.Open, statistics.Overdue));
        }
        catch (Exception ex)
        {
            // The gauges keep their last figures; the next stale scrape tries again.
            LogRefreshFailed(logger, ex);
        }
        finally
        {
            Interlocked.Exchange(ref _readAtTicks, Environment.TickCount64);
            Volatile.Write(ref _refreshing, 0);
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        // The gauges exist from the silo's start, not from the first measurement of another instrument.
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(DispatchMetrics).TypeHandle);
        CaseGauges.Use(this);
        return Task.CompletedTask;
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        CaseGauges.Release(this);
        return Task.CompletedTask;
    }

    [LoggerMessage(5311, LogLevel.Warning, "Reading open and overdue cases for the gauges failed; keeping the last figures")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
