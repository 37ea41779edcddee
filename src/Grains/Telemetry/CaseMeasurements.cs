using Dispatch.Incidents;

namespace Dispatch.Telemetry;

/// <summary>
/// What recorded case events add to the <c>Dispatch</c> meter. Measured where every writer's events
/// pass (<see cref="CaseRecorder"/>), once each, only after the journal has them; an instrument
/// nobody listens to costs one flag check.
/// </summary>
internal static class CaseMeasurements
{
    public static void Recorded(IReadOnlyList<CaseEvent> events, CaseState after)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            switch (e.Type)
            {
                case IncidentAction.Report when e.Data is ReportData report && DispatchMetrics.ReportsReceived.Enabled:
                    DispatchMetrics.ReportsReceived.Add(1,
                        new("channel", DispatchMetrics.TagOf(report.Channel)), new("category", report.Category));
                    break;
                // From filing: an on-site check given before it is not a dispatch of the case.
                case IncidentAction.Dispatch when after.Status != IncidentStatus.AwaitingConfirmation && DispatchMetrics.TimeToDispatch.Enabled:
                    DispatchMetrics.TimeToDispatch.Record((e.At - (after.FiledAt ?? after.ReportedAt)).TotalSeconds, new KeyValuePair<string, object?>("category", after.Category));
                    break;
                case IncidentAction.Escalate when e.Data is EscalateData escalation && DispatchMetrics.Escalations.Enabled:
                    DispatchMetrics.Escalations.Add(1, new KeyValuePair<string, object?>("level", DispatchMetrics.TagOf(escalation.To.Level)));
                    break;
            }
        }
    }
}
