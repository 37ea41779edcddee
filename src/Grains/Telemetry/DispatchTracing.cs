using System.Diagnostics;
using Dispatch.Territory;

namespace Dispatch;

/// <summary>
/// The <c>Dispatch</c> activity source: the steps of a case that Orleans' own grain-call activities
/// do not show, and the link across the delivery stream, which carries no trace context of its own.
/// With no listener, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null
/// and nothing is allocated.
/// </summary>
public static class DispatchTracing
{
    public const string SourceName = "Dispatch";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The W3C traceparent of the current activity, to carry through a stream message; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A case delivered over the stream reaches its desk: a child of the trace that published it, when one did.</summary>
    public static Activity? StartTakeIn(string? traceParent, string caseId, DeskRef desk)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity("take in case", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("dispatch.case.id", caseId);
            activity.SetTag("dispatch.desk", desk.Key);
        }

        return activity;
    }
}
