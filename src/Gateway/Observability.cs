using Dispatch.Gateway.Security;
using Dispatch.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace Dispatch.Gateway;

/// <summary>What the gateway adds to telemetry: its HTTP requests, the <c>/metrics</c> scrape and the Orleans dashboard.</summary>
public static class Observability
{
    public const string DashboardPath = "/orleans-dashboard";
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddGatewayObservability(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Only takes effect when AddDispatchTelemetry built a provider (OTLP or Prometheus is on).
        services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddAspNetCoreInstrumentation());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddAspNetCoreInstrumentation());
        if (builder.Configuration.ServesPrometheus())
        {
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddPrometheusExporter());
        }

        return builder;
    }

    public static WebApplication MapGatewayObservability(this WebApplication app)
    {
        if (app.Configuration.ServesPrometheus())
        {
            // No key: Prometheus scrapes without one. It shows only aggregate figures; keep the port
            // reachable from the scraper's network only, as for any exporter.
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        if (app.Configuration.HasOrleansDashboard())
        {
            // Every page and API call of the dashboard needs an admin: a key in X-Api-Key, or a browser
            // signed in with one (an unsigned browser is sent to the sign-in page).
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policies.AdminPages);
        }

        return app;
    }
}
