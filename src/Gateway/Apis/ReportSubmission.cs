using Dispatch.Gateway.Security;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Apis;

/// <summary>A report registered as a case, and whether the request repeated one registered before (an idempotent replay).</summary>
public readonly record struct SubmittedReport(IncidentView Case, bool Replay);

/// <summary>
/// The one way a report from the front door becomes a case, whichever API it came through (the JSON
/// API, Open311): under its <c>Idempotency-Key</c> when it has one (see <see cref="IdempotencyKeys"/>),
/// validated, located and registered by the intake, answered once the case is in the journal.
/// </summary>
public sealed class ReportSubmission(IdempotencyKeys idempotency)
{
    /// <param name="request">The request as received: what a resubmission under the same idempotency key must repeat.</param>
    /// <param name="report">The report, its case number left unset.</param>
    public async Task<SubmittedReport> Submit<TRequest>(HttpContext http, TRequest request, NewReport report)
    {
        var (view, replayed) = await idempotency.Register(http, request, report, IncidentsApi.ActorOf(http.User));
        if (replayed)
        {
            http.Response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        }

        return new SubmittedReport(view, replayed);
    }
}
