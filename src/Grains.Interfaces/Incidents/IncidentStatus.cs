namespace Dispatch.Incidents;

/// <summary>Where a case is in its life. Merged and Cancelled end it early; Rated ends it normally.</summary>
public enum IncidentStatus
{
    Reported = 0,
    Registered = 1,
    Dispatched = 2,
    Accepted = 3,
    Resolved = 4,
    Verified = 5,
    Closed = 6,
    Rated = 7,
    Merged = 8,
    Cancelled = 9,
    /// <summary>
    /// Cannot be solved now (needs a budget or planning): parked with the owning level's approval until
    /// a review date (挂账). Open and listed, but its clocks stop and it is not overdue.
    /// </summary>
    Parked = 10,
    /// <summary>
    /// Reported through a channel whose reports of this category are confirmed on site first (核实):
    /// recorded and tracked by its grid, whose worker checks it; not filed (立案), so no resolve clock runs.
    /// </summary>
    AwaitingConfirmation = 11,
    /// <summary>The worker found on site nothing to file: the report ends here, closed with the worker's note.</summary>
    Unconfirmed = 12,
}

/// <summary>What can be done to a case. Each action is one row of the state machine and one line of the timeline.</summary>
public enum IncidentAction
{
    Report = 0,
    Register = 1,
    Dispatch = 2,
    Accept = 3,
    Reject = 4,
    Recall = 5,
    Reassign = 6,
    Resolve = 7,
    Verify = 8,
    FailVerification = 9,
    Close = 10,
    Rate = 11,
    Merge = 12,
    Cancel = 13,
    Escalate = 14,
    Supervise = 15,
    Note = 16,
    AddReporter = 17,
    Notice = 18,
    /// <summary>The desk took the case in but has nobody to give it to yet.</summary>
    Acknowledge = 19,
    /// <summary>An immediate notice to a desk above, without handing the case over.</summary>
    Notify = 20,
    /// <summary>A case recorded before the case journal, imported with its old timeline.</summary>
    Import = 21,
    /// <summary>
    /// A new territory version removed the grid that tracked the case: it moves to the desk that now
    /// holds its location. Not yet accepted, it goes back to that desk's queue; accepted or later, it
    /// keeps its worker and status and the new desk follows its deadlines.
    /// </summary>
    Move = 22,
    /// <summary>
    /// The handler says the case is not theirs (wrong grid, wrong department) and gives it back
    /// (回退/退单) to the level that dispatched it, which routes it again.
    /// </summary>
    Return = 23,
    /// <summary>The dispatching level sends a returned (or not yet accepted) case to another grid, department or area desk.</summary>
    Route = 24,
    /// <summary>The handler asks for more time (延期申请) before the resolve deadline, with a reason and a new date.</summary>
    RequestExtension = 25,
    /// <summary>The owning level grants the pending extension: the resolve deadline moves to the date asked for.</summary>
    ApproveExtension = 26,
    /// <summary>The owning level refuses the pending extension: the deadline stays.</summary>
    RefuseExtension = 27,
    /// <summary>The owning level parks an accepted case that cannot be solved now (挂账), with a review date.</summary>
    Park = 28,
    /// <summary>The parked case is back in the flow: accepted by the same handler, with a fresh resolve clock.</summary>
    Unpark = 29,
    /// <summary>
    /// The resident contests the closure (申诉) within the appeal window: the case reopens for rework
    /// with its handler, counted as rework and as an appeal.
    /// </summary>
    Appeal = 30,
    /// <summary>
    /// The report is recorded but held for an on-site check (核实) by a worker of its grid before it is
    /// filed; confirmed, it is filed with <see cref="Register"/>, its resolve clock starting then.
    /// </summary>
    HoldForConfirmation = 31,
    /// <summary>The worker did not find on site what was reported: the report ends unconfirmed, with the worker's note.</summary>
    FailConfirmation = 32,

    /// <summary>
    /// The lead's level names a department as co-unit (协办单位) with the part it must do; the holder
    /// stays the lead (主办) and cannot report the case resolved until every co-unit's part is in.
    /// </summary>
    AddCoUnit = 33,

    /// <summary>A co-unit reports its part done, with its result.</summary>
    ReportPart = 34,

    /// <summary>A co-unit gives its part back as not its own, with a reason: the lead no longer waits for it.</summary>
    HandBackPart = 35,

    /// <summary>The clock: a co-unit's part deadline passed with the part not reported (a notice to the lead's desk).</summary>
    PartOverdue = 36,

    /// <summary>
    /// A merged case is separated from the case it was merged into (拆分): back in the flow as
    /// registered, delivered again to its tracking desk with a fresh resolve clock, and never merged
    /// automatically into that case again.
    /// </summary>
    Unmerge = 37,

    /// <summary>
    /// On the primary: a duplicate merged into it was separated again. It leaves the duplicates and
    /// the callers it brought leave the reporters.
    /// </summary>
    SeparateDuplicate = 38,

    /// <summary>
    /// The handler (or the desk) reached the resident (首次联系), by phone or in person: the first one
    /// meets the category's first-contact stage.
    /// </summary>
    Contact = 40,
    /// <summary>
    /// The clock: the first-contact deadline passed with nobody having reached the resident; the level
    /// above the tracking desk hears of it (督办) and the case no longer counts as responded to in time.
    /// </summary>
    ContactMissed = 41,
    /// <summary>The clock: a parked case's review date came; the desk that holds it lists it among its notices.</summary>
    ReviewDue = 42,
}

public static class IncidentStatusExtensions
{
    /// <summary>Whether the case still needs work (it counts as open on desks and in statistics).</summary>
    public static bool IsOpen(this IncidentStatus status) =>
        status is IncidentStatus.Reported or IncidentStatus.Registered or IncidentStatus.Dispatched
            or IncidentStatus.Accepted or IncidentStatus.Resolved or IncidentStatus.Verified or IncidentStatus.Parked
            or IncidentStatus.AwaitingConfirmation;

    /// <summary>Whether the case's resolve clock still runs (nobody has reported a result yet).</summary>
    public static bool IsAwaitingResult(this IncidentStatus status) =>
        status is IncidentStatus.Registered or IncidentStatus.Dispatched or IncidentStatus.Accepted;
}
