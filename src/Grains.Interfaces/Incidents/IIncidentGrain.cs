namespace Dispatch.Incidents;

/// <summary>
/// One case, keyed by its case number: registers a report and records what people do to the case.
/// Every method either records one legal change in the case journal — then answers the case with
/// it — or throws and changes nothing (<see cref="Errors.IllegalTransitionException"/>,
/// <see cref="Errors.NotPermittedException"/>, <see cref="Errors.ValidationFailedException"/>). What
/// the tracking desk and the clock do (dispatch, escalation...) the desk records itself.
/// </summary>
[Alias("Dispatch.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Registers a located report: records it and publishes it to its tracking desk; answers once it is durable.
    /// Registering the same id again returns the case as it is.</summary>
    [Alias("Register")] Task<IncidentView> Register(RegisterIncident command);

    /// <summary>The case, or null when no case has this number.</summary>
    [Alias("Get")] Task<IncidentView?> Get();

    /// <summary>
    /// What the tracking desk just recorded on the case (a dispatch, say), so a case grain that is
    /// active need not read it back before the worker's next action. One-way; a case grain that holds
    /// nothing of the case, or has missed something, ignores it and reads the journal when it needs to.
    /// </summary>
    [Orleans.Concurrency.OneWay, Alias("OnDeskEvents")] Task OnDeskEvents(IReadOnlyList<CaseEvent> events);

    // Worker actions (a worker may act only on a case assigned to them).

    [Alias("Accept")] Task<IncidentView> Accept(ActorRef actor);

    [Alias("Reject")] Task<IncidentView> Reject(ActorRef actor, string reason);

    [Alias("AddNote")] Task<IncidentView> AddNote(ActorRef actor, string note);

    [Alias("Resolve")] Task<IncidentView> Resolve(ActorRef actor, string result);

    /// <summary>
    /// Records reaching the resident (联系), with what was said: the first one meets the category's
    /// first-contact stage. Its handler or an operator; any number of times while the case is worked or parked.
    /// </summary>
    [Alias("Contact")] Task<IncidentView> Contact(ActorRef actor, string note);

    /// <summary>
    /// The answer of the on-site check (核实) of a report held before filing, by the worker it was given
    /// to (or an operator on their word). Confirmed, the case is filed (立案) with its resolve clock from
    /// now — a grid case stays dispatched to the worker who confirmed it; not confirmed (a note is then
    /// required), the report ends as Unconfirmed, closed, and counts in no rate.
    /// </summary>
    [Alias("Confirm")] Task<IncidentView> Confirm(ActorRef actor, bool confirmed, string? note);

    /// <summary>
    /// The case is not the holder's own (wrong grid, wrong department): it goes back with the reason to
    /// the level above the desk that holds it, which routes it on — or, returned before, to the
    /// district, which takes it (兜底). A worker returns only a case assigned to them.
    /// </summary>
    [Alias("Return")] Task<IncidentView> Return(ActorRef actor, string reason);

    /// <summary>
    /// Asks for more time (延期申请): a new resolve deadline, later than the current one, with a reason.
    /// Only before the deadline, one request at a time; the owning level decides.
    /// </summary>
    [Alias("RequestExtension")] Task<IncidentView> RequestExtension(ActorRef actor, DateTimeOffset newDue, string reason);

    // Operator and supervisor actions.

    /// <summary>
    /// Parks an accepted case that cannot be solved now (needs a budget or planning; 挂账) until
    /// <paramref name="reviewOn"/>: the owning level's decision, so an operator's. Its clocks stop and it
    /// leaves the overdue figures; it stays open and listed (status Parked) with its review date.
    /// </summary>
    [Alias("Park")] Task<IncidentView> Park(ActorRef actor, DateTimeOffset reviewOn, string reason);

    /// <summary>Back in the flow: accepted by its handler again, with a fresh resolve clock from now.</summary>
    [Alias("Unpark")] Task<IncidentView> Unpark(ActorRef actor, string reason);

    /// <summary>
    /// The resident contests the closure (申诉) within <c>Dispatch:AppealWindowDays</c> of it: the case
    /// reopens as accepted by its handler, with a fresh resolve clock, counted as rework and as an appeal.
    /// </summary>
    [Alias("Appeal")] Task<IncidentView> Appeal(ActorRef actor, string reason);

    /// <summary>Decides the pending extension request: granted, the resolve deadline moves to the date asked for.</summary>
    [Alias("DecideExtension")] Task<IncidentView> DecideExtension(ActorRef actor, bool approved, string? reason);

    /// <summary>
    /// Sends a case nobody has accepted to another desk (<c>grid:…</c>, <c>department:…</c>, or an area
    /// desk on the case's path), which takes it in as a new case; a desk that returned the case is
    /// refused. A desk the case was returned to may route it to itself to take it as owner.
    /// </summary>
    [Alias("Route")] Task<IncidentView> Route(ActorRef actor, string to, string reason);

    /// <summary>
    /// Names departments of the catalog as co-units (协办单位) of a case that spans departments, each with
    /// <paramref name="task"/> to do by the category's resolve limit from now. The holder stays the lead
    /// (主办), which cannot report the case resolved while a part is outstanding. Each co-unit's desk gets a notice.
    /// </summary>
    [Alias("AddCoUnits")] Task<IncidentView> AddCoUnits(ActorRef actor, IReadOnlyList<string>? departments, string task);

    /// <summary>A co-unit reports its part done, with its result (an operator acting for the department); once only.</summary>
    [Alias("ReportPart")] Task<IncidentView> ReportPart(ActorRef actor, string department, string result);

    /// <summary>A co-unit gives its part back as not its own, with a reason: the lead no longer waits for it.</summary>
    [Alias("HandBackPart")] Task<IncidentView> HandBackPart(ActorRef actor, string department, string reason);

    /// <summary>The check that the problem was really fixed; a failed check reopens the case for rework.</summary>
    [Alias("Verify")] Task<IncidentView> Verify(ActorRef actor, bool passed, string? reason);

    [Alias("Close")] Task<IncidentView> Close(ActorRef actor, string? reason);

    /// <summary>Satisfaction on a five-level scale, 1 (very dissatisfied) to 5 (very satisfied).</summary>
    [Alias("Rate")] Task<IncidentView> Rate(ActorRef actor, int score, string? comment);

    [Alias("Cancel")] Task<IncidentView> Cancel(ActorRef actor, string reason);

    /// <summary>
    /// Merges this case into the open case <paramref name="into"/> that it repeats (并案): this one ends
    /// as merged, the primary gains its callers and lists it among its duplicates. A case of another
    /// category may be merged (the operator judges; the timeline says so). Refused (400, field
    /// <c>into</c>) for itself, an unknown case, a merged one (name its primary), a visit, or one no
    /// longer open or already verified; 409 when this case is not registered, dispatched or accepted.
    /// </summary>
    [Alias("Merge")] Task<IncidentView> Merge(ActorRef actor, string into, string reason);

    /// <summary>
    /// Separates a merged case from its primary (拆分), whether the desk or an operator merged it: it is
    /// registered again with a fresh resolve clock and delivered to its tracking desk, which takes it in
    /// as a new case but never merges it into that primary again; the primary loses it and its callers.
    /// 409 when the case is not merged.
    /// </summary>
    [Alias("Unmerge")] Task<IncidentView> Unmerge(ActorRef actor, string reason);

    /// <summary>
    /// The primary's side of <see cref="Merge"/>: takes in the callers of the duplicate
    /// <paramref name="duplicateId"/>, of category <paramref name="category"/>. Refuses (400, field
    /// <c>into</c>) when this case cannot take a duplicate.
    /// </summary>
    [Alias("TakeDuplicate")] Task<IncidentView> TakeDuplicate(ActorRef actor, string duplicateId, string category, IReadOnlyList<Reporter> reporters, string reason);

    /// <summary>The primary's side of <see cref="Unmerge"/>: the duplicate and the callers it brought leave this case. Nothing when it is not listed.</summary>
    [Alias("SeparateDuplicate")] Task<IncidentView> SeparateDuplicate(ActorRef actor, string duplicateId, string reason);

    /// <summary>A supervision note (督办) recorded on the timeline and shown on the case.</summary>
    [Alias("Supervise")] Task<IncidentView> Supervise(ActorRef actor, string note);
}
