using Dispatch.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dispatch.Hosting;

/// <summary>The <c>Dispatch:Telemetry</c> switches, read the same way by silos, clients and the gateway.</summary>
public static class TelemetrySettings
{
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Prometheus = "Dispatch:Telemetry:Prometheus";
    public const string PrometheusPort = "Dispatch:Telemetry:PrometheusPort";
    public const string PrometheusHost = "Dispatch:Telemetry:PrometheusHost";
    public const string Tracing = "Dispatch:Telemetry:Tracing";
    public const string Dashboard = "Dispatch:Dashboard:Enabled";

    /// <summary>The port a bare silo serves <c>/metrics</c> on (the exporter's customary one).</summary>
    public const int DefaultPrometheusPort = 9464;

    public static bool SendsOtlp(this IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]);

    public static bool ServesPrometheus(this IConfiguration configuration) => configuration.GetValue(Prometheus, false);

    /// <summary>
    /// Whether the Orleans dashboard collects (every silo and the gateway's client must agree). Off by
    /// default: it profiles every grain call and polls the silos every second.
    /// </summary>
    public static bool HasOrleansDashboard(this IConfiguration configuration) => configuration.GetValue(Dashboard, false);

    /// <summary>
    /// Whether grain calls carry the trace (Orleans' activity propagation). Off unless traces are
    /// exported or it is asked for: the propagation is a grain-call filter on every call, listener or not.
    /// </summary>
    public static bool PropagatesTraces(this IConfiguration configuration) => configuration.GetValue<bool?>(Tracing) ?? configuration.SendsOtlp();
}

public static class DispatchTelemetryExtensions
{
    /// <summary>
    /// Sends traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
    /// Aspire AppHost sets it to its dashboard; any OpenTelemetry collector works), and collects the
    /// metrics for a Prometheus scrape when <c>Dispatch:Telemetry:Prometheus</c> is true (the host adds
    /// the endpoint: the gateway its <c>/metrics</c>, a bare silo a listener of its own). Otherwise
    /// nothing is collected. Orleans' own meter and activity sources, the <c>Dispatch</c> meter
    /// (<see cref="DispatchMetrics"/>) and activity source (<see cref="DispatchTracing"/>) and the .NET
    /// runtime are included; the gateway adds its HTTP requests.
    /// </summary>
    public static IHostApplicationBuilder AddDispatchTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = configuration.SendsOtlp();
        if (!otlp && !configuration.ServesPrometheus())
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter("Microsoft.Orleans", DispatchMetrics.MeterName).AddRuntimeInstrumentation());
        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(logs =>
            {
                logs.IncludeFormattedMessage = true;
                logs.IncludeScopes = true;
            });
            telemetry
                .WithTracing(traces => traces.AddSource(DispatchTracing.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"))
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The silo's side of telemetry: trace propagation through grain calls (when on) and the case gauges' source.</summary>
    public static ISiloBuilder AddDispatchSiloTelemetry(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration.PropagatesTraces())
        {
            silo.AddActivityPropagation();
        }

        if (configuration.HasOrleansDashboard())
        {
            Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(silo);
        }

        silo.Services.AddSingleton<CaseCountCache>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<CaseCountCache>());
        return silo;
    }
}
