using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>Measurements are process-wide: this collection runs alone, so no other test's cases are counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}

/// <summary>The <c>Dispatch</c> meter records what happens to cases. The clock moves, so the cluster is this class's own.</summary>
[Collection(MeasuredAlone.Name)]
public sealed class MetricsTests(MetricsTests.Cluster fixture) : IClassFixture<MetricsTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    [Fact]
    public async Task A_report_is_counted_once_with_its_channel_and_category_and_its_dispatch_measures_the_wait()
    {
        using var recorder = new MeasurementRecorder();
        var grid = fixture.ClaimGrid();
        var report = await fixture.ReportAt(grid, "sanitation");
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        // A resubmission with the same case number is not a new report.
        await fixture.ReportAt(grid, "sanitation", id: report.Id);

        var received = Assert.Single(recorder.Of("dispatch.reports.received"));
        Assert.Equal(1, received.Value);
        Assert.Equal("hotline", received.Tag("channel"));
        Assert.Equal("sanitation", received.Tag("category"));

        var waited = Assert.Single(await Eventually(() => Task.FromResult(recorder.Of("dispatch.case.dispatch.duration")), m => m.Count > 0, "the dispatch to be measured"));
        Assert.Equal((dispatched.DispatchedAt!.Value - dispatched.ReportedAt).TotalSeconds, waited.Value);
        Assert.Equal("sanitation", waited.Tag("category"));
    }

    [Fact]
    public async Task The_queue_gauge_counts_a_case_while_it_waits_for_a_worker_and_the_open_gauge_reads_the_register()
    {
        using var recorder = new MeasurementRecorder();
        var grid = fixture.ClaimGrid();
        var police = fixture.Grains.GetGrain<Workforce.IWorkerGrain>(grid.Police.Id);
        await police.SetDuty(false, "test");
        var before = CaseGauges.Waiting;

        // Only the police officer has the skill: off duty, the case waits on the grid's desk.
        var report = await fixture.ReportAt(grid, "public-security");
        await fixture.IncidentWhen(report.Id, v => v.Delivered);
        Assert.Equal(before + 1, await Gauge("dispatch.desk.queue.length", v => v == before + 1));

        await police.SetDuty(true, "test");
        await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(before, await Gauge("dispatch.desk.queue.length", v => v == before));

        // Read from the register a few seconds late at most, and never before the first scrape asked.
        Assert.True(await Gauge("dispatch.cases.open", v => v >= 1) >= 1);
        Assert.True(await Gauge("dispatch.cases.overdue", v => v >= 0) >= 0);

        Task<double?> Gauge(string instrument, Func<double, bool> condition) => Eventually(() =>
        {
            recorder.Observe();
            return Task.FromResult(recorder.Of(instrument) is { Count: > 0 } all ? all[^1].Value : (double?)null);
        }, v => v is { } value && condition(value), instrument);
    }
}

/// <summary>Escalations in fake time, on a cluster where no other case's deadline passes when the clock moves.</summary>
[Collection(MeasuredAlone.Name)]
public sealed class EscalationMetricsTests(EscalationMetricsTests.Cluster fixture) : IClassFixture<EscalationMetricsTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    [Fact]
    public async Task An_escalation_is_counted_with_the_level_it_went_to()
    {
        var grid = fixture.ClaimGrid();
        var report = await fixture.ReportAt(grid, "noise");
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        await fixture.Incident(dispatched.Id).Accept(ActorRef.Worker(dispatched.Assignee!.WorkerId!));
        using var recorder = new MeasurementRecorder();

        fixture.Advance(dispatched.ResolveDue!.Value - fixture.Time.GetUtcNow());
        await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);

        // The measurement follows the journal write that the case is read from: wait for it too.
        var measured = await Eventually(() => Task.FromResult(recorder.Of("dispatch.escalations")), m => m.Count > 0, "the escalation's measurement");
        var escalation = Assert.Single(measured);
        Assert.Equal(1, escalation.Value);
        Assert.Equal("community", escalation.Tag("level"));
    }
}
