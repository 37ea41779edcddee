using System.Text.Json.Serialization;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>How a report came in.</summary>
public enum Channel
{
    Hotline = 0,
    Patrol = 1,
    App = 2,
    BuildingLeader = 3,
    Open311 = 4,

    /// <summary>A visit of a grid's visit plan, made by the plan when it falls due (never by a caller).</summary>
    Visit = 5,
}

/// <summary>Who reported the case and how to call them back.</summary>
/// <param name="Email">An email address, when the report came with one (an app, Open311). Left out of the
/// journal's JSON when absent, so reports without one are recorded exactly as before it existed.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.Reporter")]
public sealed record Reporter(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Phone,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email = null);

/// <summary>Where the reporter says the problem is: a building id, coordinates, or an address.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ReportedLocation")]
public sealed record ReportedLocation(
    [property: Id(0)] string? BuildingId,
    [property: Id(1)] double? Longitude,
    [property: Id(2)] double? Latitude,
    [property: Id(3)] string? Address);

/// <summary>Who is working the case: a worker, or a desk (community, street, department...) as a unit.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.Assignee")]
public sealed record Assignee(
    [property: Id(0)] string? WorkerId,
    [property: Id(1)] DeskRef? Desk)
{
    public static Assignee Worker(string workerId) => new(workerId, null);

    public static Assignee Unit(DeskRef desk) => new(null, desk);

    public override string ToString() => WorkerId ?? Desk?.Key ?? "nobody";
}

/// <summary>A step up the chain of command forced by the clock.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.EscalationStep")]
public sealed record EscalationStep(
    [property: Id(0)] DeskRef Desk,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Reason);

/// <summary>One line of a case's audit trail: who did what, when, and why.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] IncidentAction Action,
    [property: Id(3)] IncidentStatus From,
    [property: Id(4)] IncidentStatus To,
    [property: Id(5)] string? Reason);

/// <summary>A case as the API shows it: the fold of its journal, with its timeline.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentView")]
public sealed record IncidentView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required IncidentStatus Status { get; init; }
    [Id(2)] public required string Category { get; init; }
    [Id(3)] public required string Description { get; init; }
    [Id(4)] public required Channel Channel { get; init; }
    [Id(5)] public required IReadOnlyList<Reporter> Reporters { get; init; }
    [Id(6)] public required Placement Placement { get; init; }
    /// <summary>The desk that tracks the case's deadlines: its grid, or the owner desk on the access list.</summary>
    [Id(7)] public required DeskRef Tracker { get; init; }
    [Id(8)] public Assignee? Assignee { get; init; }
    [Id(9)] public required DateTimeOffset ReportedAt { get; init; }
    [Id(10)] public DateTimeOffset? DispatchedAt { get; init; }
    [Id(11)] public DateTimeOffset? AcceptedAt { get; init; }
    [Id(12)] public DateTimeOffset? ResolvedAt { get; init; }
    [Id(13)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(14)] public DateTimeOffset? AcceptDue { get; init; }
    [Id(15)] public DateTimeOffset? ResolveDue { get; init; }
    /// <summary>When the case goes one level further up if still unresolved; null when not escalated or at the top.</summary>
    [Id(16)] public DateTimeOffset? NextEscalationDue { get; init; }
    [Id(17)] public required IReadOnlyList<EscalationStep> Escalations { get; init; }
    [Id(18)] public int ReworkCount { get; init; }
    [Id(19)] public int? Rating { get; init; }
    [Id(20)] public string? MergedInto { get; init; }
    [Id(21)] public required IReadOnlyList<string> Duplicates { get; init; }
    [Id(22)] public required IReadOnlyList<TimelineEntry> Timeline { get; init; }
    /// <summary>Whether the tracking desk has taken the case in (its intake was acknowledged).</summary>
    [Id(23)] public bool Delivered { get; init; }
    /// <summary>The sequence number of the case's last event: grows by one with every change.</summary>
    [Id(24)] public int Version { get; init; }
    /// <summary>Whether the latest result came in before the resolve deadline in force then (after rework, the fresh one).</summary>
    [Id(25)] public bool? ResolvedOnTime { get; init; }
    /// <summary>Null when the case's journal checks out; otherwise which row was changed or is missing.</summary>
    [Id(26)] public string? IntegrityProblem { get; init; }
    /// <summary>A link to a photo or other media the reporter sent with the report, if any.</summary>
    [Id(27)] public string? MediaUrl { get; init; }
    /// <summary>The desks that gave the case back as not theirs (回退), oldest first.</summary>
    [Id(28)] public IReadOnlyList<DeskRef> ReturnedBy { get; init; } = [];
    /// <summary>Returned to its tracking desk, which must route it to another grid, department or desk (<c>POST /incidents/{id}/route</c>).</summary>
    [Id(29)] public bool AwaitingRoute { get; init; }
    /// <summary>The resolve deadline a pending extension request asks for (延期申请), if one waits for a decision.</summary>
    [Id(30)] public DateTimeOffset? ExtensionAskedFor { get; init; }
    /// <summary>Extensions granted, each of which moved <see cref="ResolveDue"/>.</summary>
    [Id(31)] public int ExtensionsGranted { get; init; }
    [Id(32)] public int ExtensionsRefused { get; init; }
    /// <summary>While parked (挂账): when the owning level reviews it.</summary>
    [Id(33)] public DateTimeOffset? ReviewOn { get; init; }
    /// <summary>How often the case was parked.</summary>
    [Id(34)] public int TimesParked { get; init; }
    /// <summary>Closures the resident contested (申诉), each of which reopened the case for rework (also in <see cref="ReworkCount"/>).</summary>
    [Id(35)] public int Appeals { get; init; }
    /// <summary>Cases this one was merged into and separated from again (拆分): it is never merged into them automatically.</summary>
    [Id(45)] public IReadOnlyList<string> SeparatedFrom { get; init; } = [];
    /// <summary>When the resident must be contacted (首次联系) — a category with that stage, reported by a resident — else null.</summary>
    [Id(49)] public DateTimeOffset? ContactDue { get; init; }
    /// <summary>When someone first reached the resident (<c>POST /incidents/{id}/contact</c>).</summary>
    [Id(50)] public DateTimeOffset? ContactedAt { get; init; }
    /// <summary>The first-contact deadline passed before anyone reached the resident.</summary>
    [Id(51)] public bool ContactMissed { get; init; }
    /// <summary>The co-units (协办单位) asked to do part of the case, with each part's status, result and time; the tracker is the lead (主办).</summary>
    [Id(40)] public IReadOnlyList<CoUnitPart> CoUnits { get; init; } = [];
    /// <summary>While the report waits for its on-site check (核实, status AwaitingConfirmation): when the check is due.</summary>
    [Id(36)] public DateTimeOffset? ConfirmDue { get; init; }
    /// <summary>When the case was filed (立案): at registration, or when the worker confirmed a held report; the resolve clock runs from then.</summary>
    [Id(37)] public DateTimeOffset? FiledAt { get; init; }

    public bool IsOpen => Status.IsOpen();
}
