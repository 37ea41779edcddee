using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatch.Hosting;

public static class DispatchClientExtensions
{
    /// <summary>
    /// Makes the host an Orleans client of a Dispatch cluster (the gateway in cluster mode). It finds
    /// the silos the way they find each other: through <c>Orleans:Clustering</c>, which
    /// <c>Dispatch:Storage:Provider=postgres</c> fills from <c>ConnectionStrings:Dispatch</c>; without
    /// either, through the localhost gateway port (<c>Orleans:Endpoints:GatewayPort</c>, default 30000).
    /// Until the first silo answers, start-up waits and retries rather than giving up.
    /// </summary>
    public static IHostApplicationBuilder AddDispatchClient(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        configuration.AddDispatchStorageDefaults(client: true);
        builder.Services.AddDispatchCore(configuration);
        builder.UseOrleansClient(client =>
        {
            if (!configuration.GetSection("Orleans:Clustering").Exists())
            {
                client.UseLocalhostClustering(configuration.GetValue("Orleans:Endpoints:GatewayPort", 30000));
            }

            client.UseConnectionRetryFilter<WaitForCluster>();
            if (configuration.PropagatesTraces())
            {
                client.AddActivityPropagation();
            }

            if (configuration.HasOrleansDashboard())
            {
                // The gateway serves the dashboard; the silos collect for it.
                Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(client);
            }
        });
        builder.AddDispatchTelemetry();
        return builder;
    }
}

/// <summary>Keeps a starting client trying until a silo answers: silos and gateway may start in any order.</summary>
internal sealed partial class WaitForCluster(ILogger<WaitForCluster> logger) : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogWaiting(logger, exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return true;
    }

    [LoggerMessage(5201, LogLevel.Warning, "No silo answers yet ({Reason}); retrying in 2 s")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
