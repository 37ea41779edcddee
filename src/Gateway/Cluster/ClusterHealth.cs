using Dispatch.Hosting;
using Dispatch.Territory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Cluster;

/// <summary>Ready when the cluster answers and the city's map is loaded: the gateway can take reports.</summary>
public sealed class ClusterHealth(IServiceProvider services, IGrainFactory grains, IOptions<DispatchOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<DemoCitySeeder>() is { Loaded.IsCompletedSuccessfully: false })
        {
            return HealthCheckResult.Unhealthy("The demo city is still loading.");
        }

        try
        {
            var summary = await grains.GetGrain<ITerritoryGrain>(options.Value.CityId).GetSummary().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["city"] = summary.CityId,
                ["districts"] = summary.Districts,
                ["communities"] = summary.Communities,
                ["grids"] = summary.Grids,
            };
            return summary.Grids == 0
                ? HealthCheckResult.Degraded("The cluster answers but the city has no grids loaded.", data: data)
                : HealthCheckResult.Healthy("The cluster answers and the map is loaded.", data);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex) || ex is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("No silo is reachable.", ex);
        }
    }
}
