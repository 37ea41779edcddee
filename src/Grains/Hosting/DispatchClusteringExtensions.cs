using Microsoft.Extensions.Configuration;

namespace Dispatch.Hosting;

public static class DispatchClusteringExtensions
{
    /// <summary>
    /// Localhost clustering unless the <c>Orleans:Clustering</c> section names a provider. Ports come
    /// from <c>Orleans:Endpoints:SiloPort</c> and <c>Orleans:Endpoints:GatewayPort</c> (defaults 11111 and 30000).
    /// </summary>
    public static ISiloBuilder UseDispatchClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration.GetSection("Orleans:Clustering").Exists())
        {
            return silo;
        }

        var siloPort = configuration.GetValue("Orleans:Endpoints:SiloPort", 11111);
        var gatewayPort = configuration.GetValue("Orleans:Endpoints:GatewayPort", 30000);
        return silo.UseLocalhostClustering(siloPort, gatewayPort);
    }
}
