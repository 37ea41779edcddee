using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Testing;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>The gateway with every telemetry switch on: trace propagation, the Prometheus scrape and the Orleans dashboard.</summary>
public sealed class ObservedGatewayFactory : GatewayFactory
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Dispatch:Telemetry:Tracing"] = "true";
        settings["Dispatch:Telemetry:Prometheus"] = "true";
        settings["Dispatch:Dashboard:Enabled"] = "true";
    }
}

public sealed class TelemetryTests(ObservedGatewayFactory gateway) : IClassFixture<ObservedGatewayFactory>
{
    [Fact]
    public async Task One_report_is_one_trace_from_the_http_request_through_intake_and_delivery_to_its_dispatch()
    {
        using var traces = new TraceRecorder();
        var report = await Reports.File(gateway, "sanitation", "D01-S01-C01-G01-B001");

        var dispatch = await Eventually(() => Task.FromResult(traces.Stopped.FirstOrDefault(a =>
                a.OperationName == "record case events" && Tag(a, "dispatch.case.id") == report.Id
                && Tag(a, "dispatch.events")?.Contains(nameof(IncidentAction.Dispatch), StringComparison.Ordinal) == true)),
            a => a is not null, $"the dispatch of {report.Id} to be traced");
        var request = await Eventually(() => Task.FromResult(traces.Stopped.FirstOrDefault(a =>
                a.Source.Name == "Microsoft.AspNetCore" && a.TraceId == dispatch!.TraceId)),
            a => a is not null, "the HTTP request in the dispatch's trace");

        Assert.Equal(request!.TraceId, dispatch!.TraceId);
        Assert.Equal(default, request.ParentSpanId);
        var trace = traces.Stopped.Where(a => a.TraceId == request.TraceId).ToList();
        var seen = string.Join(", ", trace.Select(a => $"{a.Source.Name}:{a.DisplayName}:{Tag(a, "dispatch.desk")}"));
        Assert.True(trace.Any(a => a.OperationName == "deliver case"), seen);
        // The desk's take-in ends after the dispatch is recorded (it re-arms the desk's clock too).
        await Eventually(() => Task.FromResult(traces.Stopped.Any(a => a.TraceId == request.TraceId
            && a.OperationName == "take in case" && Tag(a, "dispatch.desk") == DeskRef.Grid("D01-S01-C01-G01").Key)), found => found, "the desk's take-in in the same trace");
        Assert.True(trace.Any(a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.DisplayName.Contains("Intake", StringComparison.OrdinalIgnoreCase)),
            string.Join(", ", trace.Select(a => $"{a.Source.Name}:{a.DisplayName}")));
    }

    [Fact]
    public async Task Metrics_answers_a_prometheus_scrape_with_the_dispatch_series()
    {
        await Reports.File(gateway, "sanitation", "D01-S01-C01-G01-B002");

        var text = await Eventually(async () =>
        {
            using var response = await gateway.CreateClient().GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            return await response.Content.ReadAsStringAsync();
        }, t => t.Contains("dispatch_reports_received", StringComparison.Ordinal), "the scrape to show reports");

        Assert.Contains("# TYPE dispatch_reports_received_total counter", text, StringComparison.Ordinal);
        Assert.Contains("dispatch_journal_events", text, StringComparison.Ordinal);
    }

    /// <summary>Prometheus' own linter (the Debian <c>prometheus</c> package's promtool) reads the scrape as Prometheus would.</summary>
    [Fact]
    public async Task Promtool_finds_the_scrape_well_formed()
    {
        var promtool = await DebianPackage.FindOrInstallAsync("prometheus", "/usr/bin/promtool");
        await Reports.File(gateway, "sanitation", "D01-S01-C01-G01-B003");
        var scrape = await Eventually(() => gateway.CreateClient().GetStringAsync("/metrics"),
            t => t.Contains("dispatch_case_dispatch_duration_seconds_bucket", StringComparison.Ordinal), "the scrape to show a dispatch");

        var start = new ProcessStartInfo(promtool, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var check = Process.Start(start)!;
        var output = check.StandardOutput.ReadToEndAsync();
        var errors = check.StandardError.ReadToEndAsync();
        await check.StandardInput.WriteAsync(scrape);
        check.StandardInput.Close();
        await check.WaitForExitAsync();

        // Exit 1 is a format error; 3 is lint advice only (names and help text), which this test prints but does not fail on.
        var said = $"{await output}{await errors}";
        Assert.True(check.ExitCode is 0 or 3, $"promtool check metrics exited {check.ExitCode}: {said}");
        Assert.DoesNotContain("error while linting", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_orleans_dashboard_is_for_admins_only()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ClientFor("not-a-key").GetAsync("/orleans-dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/orleans-dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(GatewayFactory.Hotline).GetAsync("/orleans-dashboard/")).StatusCode);

        using var admin = await gateway.ClientFor(GatewayFactory.Admin).GetAsync("/orleans-dashboard/");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    /// <summary>Every activity the process stops while it listens (activities are process-wide: filter by case).</summary>
    private sealed class TraceRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public TraceRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == DispatchTracing.SourceName
                    || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => _stopped.ToArray();

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>With the switches off (the default), neither endpoint exists.</summary>
public sealed class TelemetryOffTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Metrics_and_the_dashboard_are_not_there_unless_switched_on()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.CreateClient().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.ClientFor(GatewayFactory.Admin).GetAsync("/orleans-dashboard/")).StatusCode);
    }
}
