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
}
