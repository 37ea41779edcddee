using System.Globalization;
using Dispatch.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Dispatch.Silo;

public static class PrometheusListener
{
    /// <summary>
    /// With <c>Dispatch:Telemetry:Prometheus=true</c>, a bare silo answers Prometheus scrapes at
    /// <c>http://{Dispatch:Telemetry:PrometheusHost}:{Dispatch:Telemetry:PrometheusPort}/metrics</c>
    /// (default every interface, port 9464: the scraper is on another machine). The exporter's own
    /// HttpListener keeps ASP.NET Core and Kestrel out of the silo process for one endpoint.
    /// </summary>
    public static IHostApplicationBuilder AddPrometheusListener(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!configuration.ServesPrometheus())
        {
            return builder;
        }

        var port = configuration.GetValue(TelemetrySettings.PrometheusPort, TelemetrySettings.DefaultPrometheusPort);
        // "*" (the default) listens on every interface: the exporter's own Host must be a real host
        // name, so the wildcard prefix replaces the one it adds (as its README shows).
        var host = configuration[TelemetrySettings.PrometheusHost] ?? "*";
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddPrometheusHttpListener(listener =>
        {
            listener.Port = port;
            if (host is "*" or "+")
            {
                listener.ConfigureHttpListener = static (options, http) =>
                {
                    http.Prefixes.Clear();
                    http.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://+:{options.Port}{options.ScrapeEndpointPath}/"));
                };
            }
            else
            {
                listener.Host = host;
            }
        }));
        return builder;
    }
}
