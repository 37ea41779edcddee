using System.Text.Json.Serialization;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// One thing that happened to a case: a line of its timeline and a row of the case journal. Events
/// are immutable and numbered from 1 within their case; each carries the hash of its row, which
/// chains to the row before it, so a history that was edited or cut short is detected. A case's
/// state is the fold of its events (<c>CaseFold</c>); nothing else about a case is stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseEvent")]
public sealed record CaseEvent
{
    [Id(0)] public required string CaseId { get; init; }

    /// <summary>1 for the first event of the case, one more for each after it.</summary>
    [Id(1)] public required int Sequence { get; init; }

    [Id(2)] public required IncidentAction Type { get; init; }

    /// <summary>Who did it, as <c>role:id</c> (<see cref="ActorRef"/>).</summary>
    [Id(3)] public required string Actor { get; init; }

    [Id(4)] public required DateTimeOffset At { get; init; }

    /// <summary>What the timeline says about it: a reason, a result, a note.</summary>
    [Id(5)] public string? Reason { get; init; }

    /// <summary>What the event type carries beyond the envelope; null for types that carry nothing.</summary>
    [Id(6)] public CaseEventData? Data { get; init; }

    /// <summary>The desk that sees this event among its notices (a missed deadline, a case escalated to it), if any.</summary>
    [Id(7)] public DeskRef? NoticeFor { get; init; }

    /// <summary>The SHA-256 of the journal row, hex; it covers the previous row's hash.</summary>
    [Id(8)] public required string Hash { get; init; }
}

/// <summary>The type-specific part of a <see cref="CaseEvent"/>.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseEventData")]
public abstract record CaseEventData;

/// <summary>The report as it came in (the first event of a case). <see cref="MediaUrl"/> is left out of the
/// payload when absent, so reports without one are recorded exactly as before it existed.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReportData")]
public sealed record ReportData(
    [property: Id(0)] string Category,
    [property: Id(1)] string Description,
    [property: Id(2)] Channel Channel,
    [property: Id(3)] Reporter Reporter,
    [property: Id(4)] Placement Placement,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaUrl = null) : CaseEventData;

/// <summary>
/// Registration: the desk that tracks the case, its resolve deadline and, when its category has a
/// first-contact stage and a resident to contact, that stage's deadline (left out of the payload
/// when there is none, so such registrations are recorded exactly as before the stage existed).
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.RegisterData")]
public sealed record RegisterData(
    [property: Id(0)] DeskRef Tracker,
    [property: Id(1)] DateTimeOffset? ResolveDue,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ContactDue = null) : CaseEventData;

/// <summary>
/// A dispatch or reassignment: who has the case now and when they must sign for it.
/// <see cref="PassOver"/> names a worker not to be given this case again (one who let the accept deadline pass).
/// For a report held for an on-site check, the check is what is given: no sign-for, and
/// <see cref="ConfirmDue"/> is a fresh confirm deadline when the one before had passed (left out of
/// the payload when absent, so ordinary dispatches are recorded exactly as before it existed).
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.AssignData")]
public sealed record AssignData(
    [property: Id(0)] Assignee To,
    [property: Id(1)] DateTimeOffset? AcceptDue,
    [property: Id(2)] string? PassOver = null,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ConfirmDue = null) : CaseEventData;

/// <summary>
/// A report held for an on-site check (核实) before it is filed: the grid desk that gives the check
/// to a worker, and when the check is due.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ConfirmationData")]
public sealed record ConfirmationData(
    [property: Id(0)] DeskRef Tracker,
    [property: Id(1)] DateTimeOffset ConfirmDue) : CaseEventData;

/// <summary>The case goes back to its desk's queue; <see cref="PassOver"/> as for <see cref="AssignData"/>.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.RecallData")]
public sealed record RecallData(
    [property: Id(0)] string? PassOver) : CaseEventData;

/// <summary>One step up the chain of command, and when the next one is due if the case is still unresolved.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.EscalateData")]
public sealed record EscalateData(
    [property: Id(0)] DeskRef To,
    [property: Id(1)] DateTimeOffset? NextEscalationDue) : CaseEventData;

/// <summary>A failed verification: the fresh resolve clock for the rework.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReworkData")]
public sealed record ReworkData(
    [property: Id(0)] DateTimeOffset ResolveDue,
    [property: Id(1)] DateTimeOffset? NextEscalationDue) : CaseEventData;

[GenerateSerializer, Immutable, Alias("Dispatch.RateData")]
public sealed record RateData(
    [property: Id(0)] int Score) : CaseEventData;

[GenerateSerializer, Immutable, Alias("Dispatch.MergeData")]
public sealed record MergeData(
    [property: Id(0)] string PrimaryId) : CaseEventData;

/// <summary>Another caller about the same problem, whose own report was merged into this case.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReporterData")]
public sealed record ReporterData(
    [property: Id(0)] Reporter Reporter,
    [property: Id(1)] string DuplicateId) : CaseEventData;

/// <summary>An immediate notice to a desk above (emergencies), without handing the case over.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.NotifyData")]
public sealed record NotifyData(
    [property: Id(0)] DeskRef To) : CaseEventData;

/// <summary>
/// A notice that the escalation deadline due at <see cref="EscalationDue"/> fired with no level left
/// above: that deadline is not fired again.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TopReachedData")]
public sealed record TopReachedData(
    [property: Id(0)] DateTimeOffset EscalationDue) : CaseEventData;

/// <summary>
/// The case moves from desk <see cref="From"/> to desk <see cref="To"/> because territory version
/// <see cref="TerritoryVersion"/> no longer has the grid that tracked it; <see cref="Path"/> is where
/// its location now lies.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.MoveData")]
public sealed record MoveData(
    [property: Id(0)] DeskRef From,
    [property: Id(1)] DeskRef To,
    [property: Id(2)] TerritoryPath Path,
    [property: Id(3)] int TerritoryVersion) : CaseEventData;

/// <summary>
/// A case recorded before the journal existed, imported whole: its state and timeline as the old
/// grain state held them. Events after it continue the history.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ImportData")]
public sealed record ImportData(
    [property: Id(0)] IncidentView Case) : CaseEventData;

/// <summary>
/// A case given back by the desk <see cref="From"/> that says it is not its own; <see cref="To"/>
/// routes it again. <see cref="Fallback"/>: returned too often to route again, the district takes
/// it as owner (区政府兜底) instead of choosing where it goes.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReturnData")]
public sealed record ReturnData(
    [property: Id(0)] DeskRef From,
    [property: Id(1)] DeskRef To,
    [property: Id(2)] bool Fallback) : CaseEventData;

/// <summary>The dispatching level sends the case from desk <see cref="From"/> to desk <see cref="To"/>, which takes it in as a new case.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.RouteData")]
public sealed record RouteData(
    [property: Id(0)] DeskRef From,
    [property: Id(1)] DeskRef To) : CaseEventData;

/// <summary>An extension asked for: the resolve deadline the handler asks to move to.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ExtensionData")]
public sealed record ExtensionData(
    [property: Id(0)] DateTimeOffset NewDue) : CaseEventData;

/// <summary>A case parked (挂账) until <see cref="ReviewOn"/>, when the owning level looks at it again.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ParkData")]
public sealed record ParkData(
    [property: Id(0)] DateTimeOffset ReviewOn) : CaseEventData;

/// <summary>A parked case back in the flow: its fresh resolve clock, and the next escalation if it had been escalated.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.UnparkData")]
public sealed record UnparkData(
    [property: Id(0)] DateTimeOffset ResolveDue,
    [property: Id(1)] DateTimeOffset? NextEscalationDue) : CaseEventData;

/// <summary>
/// A merged case separated from <see cref="PrimaryId"/>: back in the flow with a fresh resolve clock,
/// and the next escalation if it had been escalated before it was merged.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.UnmergeData")]
public sealed record UnmergeData(
    [property: Id(0)] string PrimaryId,
    [property: Id(1)] DateTimeOffset ResolveDue,
    [property: Id(2)] DateTimeOffset? NextEscalationDue) : CaseEventData;

/// <summary>
/// On the primary: the duplicate <see cref="DuplicateId"/> was separated from it, and the callers it
/// had brought (<see cref="Reporters"/>, as they were added) leave the case with it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.DuplicateSeparatedData")]
public sealed record DuplicateSeparatedData(
    [property: Id(0)] string DuplicateId,
    [property: Id(1)] IReadOnlyList<Reporter> Reporters) : CaseEventData;

/// <summary>The review date of a parked case that has come: the one this notice is for, so it is given once per parking.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReviewData")]
public sealed record ReviewData(
    [property: Id(0)] DateTimeOffset ReviewOn) : CaseEventData;
