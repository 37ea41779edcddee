using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dispatch.Hosting;

public static class DispatchTelemetryExtensions
{
    /// <summary>
    /// Sends traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
    /// Aspire AppHost sets it to its dashboard; any OpenTelemetry collector works). Otherwise nothing
    /// is collected. Orleans' own meter and activity sources, the journal's meter (<see cref="DispatchMetrics"/>) and the .NET runtime
    /// are included; the gateway adds its HTTP requests.
    /// </summary>
    public static IHostApplicationBuilder AddDispatchTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logs =>
        {
            logs.IncludeFormattedMessage = true;
            logs.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter("Microsoft.Orleans", DispatchMetrics.MeterName).AddRuntimeInstrumentation())
            .WithTracing(traces => traces.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"))
            .UseOtlpExporter();
        return builder;
    }
}
