using System.Globalization;
using Dispatch.Bench.Stats;

namespace Dispatch.Bench.Load;

/// <summary>The figures of one load run.</summary>
public sealed record LoadResult(
    string Target,
    string Load,
    TimeSpan Duration,
    long Sent,
    long Acknowledged,
    long Duplicates,
    long NotOffered,
    IReadOnlyDictionary<string, int> Errors,
    LatencySummary Acknowledge,
    LatencySummary Assign,
    LatencySummary AssignSeen,
    long Accepted,
    long Resolved,
    IReadOnlyDictionary<string, int> WorkerErrors,
    MachineSummary Machine)
{
    /// <summary>Reports acknowledged per second of sending.</summary>
    public double SustainedRate => Acknowledged / Duration.TotalSeconds;

    public long ErrorCount => Errors.Values.Sum();

    public void Print(TextWriter output)
    {
        output.WriteLine($"[load] {Target}: {Load}");
        output.WriteLine(Invariant($"  reports: sent {Sent:N0}, acknowledged {Acknowledged:N0} = {SustainedRate:N1}/s sustained, errors {ErrorCount:N0}{Describe(Errors)}, not offered (generator over {NotOfferedNote}) {NotOffered:N0}; {Duplicates:N0} sent as repeats of an open case"));
        output.WriteLine($"  report -> acknowledged (client clock):        {Acknowledge}");
        output.WriteLine($"  registered -> worker assigned (system clock): {Assign}");
        output.WriteLine($"  report sent -> assignment seen (client):      {AssignSeen}");
        output.WriteLine(Invariant($"  assigned {Assign.Count:N0} of {Acknowledged:N0} acknowledged (the rest: merged repeats, no skilled worker on duty, or owned above the grid); workers accepted {Accepted:N0}, resolved {Resolved:N0}, worker-call errors {WorkerErrors.Values.Sum():N0}{Describe(WorkerErrors)}"));
        Machine.Print(output, Acknowledged);
    }

    private const string NotOfferedNote = "its in-flight cap";

    private static string Describe(IReadOnlyDictionary<string, int> errors) =>
        errors.Count == 0 ? "" : " (" + string.Join(", ", errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} ×{e.Value}")) + ")";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
