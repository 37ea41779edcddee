using System.Diagnostics.Metrics;

namespace Dispatch;

/// <summary>The system's own measurements, on the <c>Dispatch</c> meter (OpenTelemetry, dotnet-counters).</summary>
public static class DispatchMetrics
{
    public const string MeterName = "Dispatch";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Appends per journal transaction.</summary>
    public static readonly Histogram<int> JournalBatchSize = Meter.CreateHistogram<int>(
        "dispatch.journal.batch.size", "{append}", "Appends committed together in one journal transaction");

    public static readonly Histogram<double> JournalCommitDuration = Meter.CreateHistogram<double>(
        "dispatch.journal.commit.duration", "s", "Time to commit one journal transaction");

    public static readonly Counter<long> JournalEvents = Meter.CreateCounter<long>(
        "dispatch.journal.events", "{event}", "Events appended to the journal");

    public static readonly Counter<long> JournalConflicts = Meter.CreateCounter<long>(
        "dispatch.journal.conflicts", "{append}", "Appends refused because another writer stored the stream's next event first");

    public static readonly Histogram<double> SqliteTransactionDuration = Meter.CreateHistogram<double>(
        "dispatch.sqlite.transaction.duration", "s", "Time to run and commit one transaction of the embedded SQLite writer");

    public static readonly Counter<long> Redrives = Meter.CreateCounter<long>(
        "dispatch.redrives", "{case}", "Cases published to their desk again because no desk had taken them in");

    /// <summary>Tags <c>channel</c> and <c>category</c>; counted when the report's case is recorded, so a resubmission is not counted twice.</summary>
    public static readonly Counter<long> ReportsReceived = Meter.CreateCounter<long>(
        "dispatch.reports.received", "{report}", "Reports registered as new cases");

    /// <summary>Tag <c>category</c>. Recorded with each Dispatch event: its time minus the case's registration.</summary>
    public static readonly Histogram<double> TimeToDispatch = Meter.CreateHistogram<double>(
        "dispatch.case.dispatch.duration", "s", "Time from a case's registration to its dispatch to a worker",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });

    /// <summary>Tag <c>level</c>: the level the case was sent up to (community, street, district, city).</summary>
    public static readonly Counter<long> Escalations = Meter.CreateCounter<long>(
        "dispatch.escalations", "{escalation}", "Cases sent one level up the chain because a deadline was missed");

    /// <summary>
    /// Registers the gauges that read live figures (<see cref="CaseGauges"/>); called by the static
    /// constructor so they exist once per process, however many silos it hosts.
    /// </summary>
    static DispatchMetrics()
    {
        Meter.CreateObservableGauge("dispatch.cases.open", CaseGauges.ObserveOpen, "{case}",
            "Open cases in the cluster, from the register (cached a few seconds; every silo reports the same figure)");
        Meter.CreateObservableGauge("dispatch.cases.overdue", CaseGauges.ObserveOverdue, "{case}",
            "Open cases past their resolve deadline or escalated, from the register (cached a few seconds; every silo reports the same figure)");
        Meter.CreateObservableGauge("dispatch.desk.queue.length", CaseGauges.ObserveWaiting, "{case}",
            "Cases waiting for dispatch on the active desks of this silo");
    }

    /// <summary>Tag values without a string allocation per measurement.</summary>
    internal static string TagOf(Incidents.Channel channel) =>
        (uint)channel < (uint)ChannelNames.Length ? ChannelNames[(int)channel] : channel.ToString();

    internal static string TagOf(Territory.OrgLevel level) =>
        (uint)level < (uint)LevelNames.Length ? LevelNames[(int)level] : level.ToString();

    private static readonly string[] ChannelNames = Enum.GetValues<Incidents.Channel>().OrderBy(c => (int)c)
        .Select((c, i) => (int)c == i ? c.ToString().ToLowerInvariant() : throw new InvalidOperationException("Channel values are not 0..n")).ToArray();

    private static readonly string[] LevelNames = Enum.GetValues<Territory.OrgLevel>().OrderBy(l => (int)l)
        .Select((l, i) => (int)l == i ? l.ToString().ToLowerInvariant() : throw new InvalidOperationException("OrgLevel values are not 0..n")).ToArray();
}
