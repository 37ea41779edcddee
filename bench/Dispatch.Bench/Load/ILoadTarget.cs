namespace Dispatch.Bench.Load;

/// <summary>What the system answered to a report: the case number and when it registered the case (its clock).</summary>
public sealed record ReportAck(string IncidentId, DateTimeOffset RegisteredAt);

/// <summary>A case reached a worker, at the system's clock.</summary>
public sealed record Assignment(string IncidentId, string WorkerId, DateTimeOffset At);

/// <summary>
/// A system the load generator drives: Dispatch through its HTTP API, Dispatch through an Orleans
/// client, or the database-centric baseline. Assignments are pushed to <see cref="Assigned"/> as the
/// system makes them (a live feed, or the same transaction that registered the report).
/// </summary>
public interface ILoadTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Set by the driver before the first report.</summary>
    Action<Assignment>? Assigned { get; set; }

    /// <summary>Starts listening for assignments; returns once nothing later can be missed.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task<ReportAck> ReportAsync(PlannedReport report, CancellationToken cancellationToken);

    Task AcceptAsync(Assignment assignment, CancellationToken cancellationToken);

    Task ResolveAsync(Assignment assignment, CancellationToken cancellationToken);
}
