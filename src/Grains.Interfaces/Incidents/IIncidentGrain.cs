using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// The case file and record of truth for one incident, keyed by its case number. Every method
/// either applies one legal transition — persisted, then appended to the timeline — or throws and
/// changes nothing (<see cref="Errors.IllegalTransitionException"/>, <see cref="Errors.NotPermittedException"/>).
/// </summary>
[Alias("Dispatch.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Registers a located report: persists it, records it for re-drive, publishes it to its tracking desk.
    /// Registering the same id again returns the case as it is.</summary>
    [Alias("Register")] Task<IncidentView> Register(RegisterIncident command);

    /// <summary>The case, or null when no case has this number.</summary>
    [Alias("Get")] Task<IncidentView?> Get();

    // Desk actions: called by the tracking desk, which already knows about the change.

    /// <summary>The desk has taken the case in but has nobody to give it to yet.</summary>
    [Alias("Acknowledge")] Task<IncidentView> Acknowledge(DeskRef desk, string notice);

    /// <summary>Gives the case to a worker or unit: a dispatch from Registered, a reassignment from Dispatched or Accepted.</summary>
    [Alias("Dispatch")] Task<IncidentView> Dispatch(Assignee to, ActorRef actor, string reason);

    /// <summary>Takes a not-yet-accepted case back to the desk queue (missed accept deadline, worker off duty).</summary>
    [Alias("Recall")] Task<IncidentView> Recall(ActorRef actor, string reason);

    [Alias("Escalate")] Task<IncidentView> Escalate(DeskRef desk, string reason);

    /// <summary>Closes this case as a duplicate of an open one.</summary>
    [Alias("MergeInto")] Task<IncidentView> MergeInto(string primaryId, ActorRef actor);

    /// <summary>On the open case: records another reporter whose duplicate report was merged into it.</summary>
    [Alias("AddReporter")] Task<IncidentView> AddReporter(Reporter reporter, string duplicateId);

    /// <summary>Writes a notice on the timeline without changing the case (a missed deadline with nobody to re-dispatch to).</summary>
    [Alias("Notice")] Task<IncidentView> Notice(ActorRef actor, string text);

    // Worker actions (a worker may act only on a case assigned to them).

    [Alias("Accept")] Task<IncidentView> Accept(ActorRef actor);

    [Alias("Reject")] Task<IncidentView> Reject(ActorRef actor, string reason);

    [Alias("AddNote")] Task<IncidentView> AddNote(ActorRef actor, string note);

    [Alias("Resolve")] Task<IncidentView> Resolve(ActorRef actor, string result);

    // Operator and supervisor actions.

    /// <summary>The check that the problem was really fixed; a failed check reopens the case for rework.</summary>
    [Alias("Verify")] Task<IncidentView> Verify(ActorRef actor, bool passed, string? reason);

    [Alias("Close")] Task<IncidentView> Close(ActorRef actor, string? reason);

    /// <summary>Satisfaction on a five-level scale, 1 (very dissatisfied) to 5 (very satisfied).</summary>
    [Alias("Rate")] Task<IncidentView> Rate(ActorRef actor, int score, string? comment);

    [Alias("Cancel")] Task<IncidentView> Cancel(ActorRef actor, string reason);

    /// <summary>A supervision note (督办) recorded on the timeline and shown on the case.</summary>
    [Alias("Supervise")] Task<IncidentView> Supervise(ActorRef actor, string note);

    /// <summary>Re-publishes the case if its desk has not acknowledged it. Returns true once it is delivered
    /// (or cannot be: an unknown id), so the caller can forget it.</summary>
    [Alias("Redrive")] Task<bool> Redrive();
}
