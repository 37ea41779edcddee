using System.Diagnostics;
using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Territory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Hosting;

/// <summary>
/// Wakes every desk of the city once the silo is up: the city, district, street and community
/// desks, every grid and every department. A desk whose state holds pending deadlines fires the
/// overdue ones and re-arms its timer on activation. Needed where reminders do not survive a
/// restart (the embedded silo); a cluster's reminders in PostgreSQL do this by themselves.
/// </summary>
public sealed partial class DeskWaker(
    IGrainFactory grains,
    CategoryCatalog catalog,
    IOptions<DispatchOptions> options,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<DeskWaker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WhenStarted(stoppingToken);

            if (services.GetService<DemoCitySeeder>() is { } seeder)
            {
                await seeder.Loaded.WaitAsync(stoppingToken);
            }

            var clock = Stopwatch.StartNew();
            var woken = await WakeAll(stoppingToken);
            LogWoken(logger, woken, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
        }
    }

    /// <summary>Walks the territory from the city down and wakes each desk; answers how many.</summary>
    public async Task<int> WakeAll(CancellationToken cancellationToken = default)
    {
        var cityId = options.Value.CityId;
        var territory = grains.GetGrain<ITerritoryGrain>(cityId);
        var woken = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken };

        await grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.City, cityId).Key).Wake();
        woken++;
        await Parallel.ForEachAsync(catalog.Departments, parallel, async (department, _) =>
        {
            await grains.GetGrain<IDeskGrain>(DeskRef.Department(department.Code).Key).Wake();
            Interlocked.Increment(ref woken);
        });

        var level = await territory.GetChildren(cityId);
        while (level.Count > 0)
        {
            var next = new List<string>();
            await Parallel.ForEachAsync(level, parallel, async (id, _) =>
            {
                if (await territory.GetArea(id) is { } area)
                {
                    await grains.GetGrain<IDeskGrain>(new DeskRef(area.Level, id).Key).Wake();
                    var children = await territory.GetChildren(id);
                    lock (next)
                    {
                        next.AddRange(children);
                    }
                }
                else
                {
                    await grains.GetGrain<IGridGrain>(id).Wake();
                }

                Interlocked.Increment(ref woken);
            });
            level = next;
        }

        return woken;
    }

    [LoggerMessage(5301, LogLevel.Information, "Woke {Desks} desks after start-up in {Seconds:F1} s; their pending deadlines are armed again")]
    private static partial void LogWoken(ILogger logger, int desks, double seconds);

    [LoggerMessage(5302, LogLevel.Error, "Waking the desks after start-up failed; desks wake when next called")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
