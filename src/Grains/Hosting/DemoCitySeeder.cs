using Dispatch.Catalog;
using Dispatch.Territory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Hosting;

/// <summary>Loads the generated demo city once the silo is up, when <c>Dispatch:DemoCity:Enabled</c> and the map is empty.</summary>
public sealed partial class DemoCitySeeder(
    IGrainFactory grains,
    CategoryCatalog catalog,
    IOptions<DemoCityOptions> options,
    IOptions<DispatchOptions> dispatch,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<DemoCitySeeder>();

    /// <summary>Completes when the demo city is loaded (or was already there).</summary>
    public Task Loaded => _loaded.Task;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var city = options.Value;
        if (!city.Enabled)
        {
            _loaded.TrySetResult();
            return;
        }

        try
        {
            await lifetime.WhenStarted(stoppingToken);

            if (city.CityId != dispatch.Value.CityId)
            {
                throw new InvalidOperationException($"Dispatch:DemoCity:CityId '{city.CityId}' differs from Dispatch:CityId '{dispatch.Value.CityId}'.");
            }

            var summary = await grains.GetGrain<ITerritoryGrain>(city.CityId).GetSummary();
            if (summary.Version > 0)
            {
                LogAlreadyLoaded(_logger, city.CityId, summary.Grids);
            }
            else
            {
                LogLoading(_logger, city.CityId, city.TotalGrids, city.TotalBuildings, city.TotalWorkers);
                var report = await new TerritoryLoader(grains, loggers.CreateLogger<TerritoryLoader>())
                    .LoadAsync(new DemoCityGenerator(city).ToImport(), catalog, stoppingToken);
                LogLoaded(_logger, report.Summary.Grids, report.Buildings, report.Workers, report.Elapsed.TotalSeconds);
            }

            _loaded.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _loaded.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            LogFailed(_logger, ex);
            _loaded.TrySetException(ex);
        }
    }

    [LoggerMessage(5101, LogLevel.Information, "Loading demo city {CityId}: {Grids} grids, {Buildings} buildings, {Workers} workers")]
    private static partial void LogLoading(ILogger logger, string cityId, long grids, long buildings, long workers);

    [LoggerMessage(5102, LogLevel.Information, "Demo city loaded: {Grids} grids, {Buildings} buildings, {Workers} workers in {Seconds:F1} s")]
    private static partial void LogLoaded(ILogger logger, int grids, int buildings, int workers, double seconds);

    [LoggerMessage(5103, LogLevel.Information, "Demo city {CityId} is already loaded ({Grids} grids)")]
    private static partial void LogAlreadyLoaded(ILogger logger, string cityId, int grids);

    [LoggerMessage(5104, LogLevel.Error, "Loading the demo city failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

public static class DemoCityExtensions
{
    /// <summary>Loads the demo city at start-up when <c>Dispatch:DemoCity:Enabled</c> is true.</summary>
    public static IServiceCollection AddDemoCity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoCityOptions>().Bind(configuration.GetSection(DemoCityOptions.Section));
        services.AddSingleton<DemoCitySeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoCitySeeder>());
        return services;
    }
}
