using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Dispatch.Intake;

namespace Dispatch.Gateway.Apis;

/// <summary>A report registered as a case, and whether the request repeated one registered before (an idempotent replay).</summary>
public readonly record struct SubmittedReport(IncidentView Case, bool Replay);

/// <summary>
/// The one way a report from the front door becomes a case, whichever API it came through (the JSON
/// API, Open311): the <c>Idempotency-Key</c> protocol reserves its case number, the intake validates,
/// locates and registers it, and the answer comes once the case is in the journal.
/// </summary>
public sealed class ReportSubmission(IdempotencyKeys idempotency, IGrainFactory grains, ClusterCalls calls)
{
    /// <param name="request">The request as received: what a resubmission under the same idempotency key must repeat.</param>
    /// <param name="toReport">The report to register under the reserved case number.</param>
    public async Task<SubmittedReport> Submit<TRequest>(HttpContext http, TRequest request, Func<string, NewReport> toReport)
    {
        var reserved = await idempotency.Reserve(http, request);
        var report = toReport(reserved.IncidentId);

        // The case number is fixed before the call, so a retry registers the same case at most once.
        var view = await calls.Idempotent(() => grains.GetGrain<IIntakeGrain>(0).Report(report, IncidentsApi.ActorOf(http.User)));
        if (reserved.Replay)
        {
            http.Response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        }

        return new SubmittedReport(view, reserved.Replay);
    }
}
