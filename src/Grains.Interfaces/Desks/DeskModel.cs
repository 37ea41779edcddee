using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Workforce;

namespace Dispatch.Desks;

/// <summary>A desk's view of one open case: who has it and which clock runs next.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseEntry")]
public sealed record CaseEntry
{
    [Id(0)] public required string IncidentId { get; init; }
    [Id(1)] public required string Category { get; init; }
    [Id(2)] public string? BuildingId { get; init; }
    [Id(3)] public required IncidentStatus Status { get; init; }
    [Id(4)] public Assignee? Assignee { get; init; }
    [Id(5)] public required DateTimeOffset RegisteredAt { get; init; }
    [Id(6)] public DateTimeOffset? AcceptDue { get; init; }
    [Id(7)] public DateTimeOffset? ResolveDue { get; init; }
    [Id(8)] public DateTimeOffset? NextEscalationDue { get; init; }
    /// <summary>The desks the case has been escalated to, lowest first.</summary>
    [Id(9)] public IReadOnlyList<DeskRef> EscalatedTo { get; init; } = [];
    /// <summary>Workers who rejected the case or let its accept deadline pass; they are not picked again for it.</summary>
    [Id(10)] public IReadOnlyList<string> PassedOver { get; init; } = [];
    [Id(11)] public int Version { get; init; }
    [Id(12)] public required TerritoryPath Path { get; init; }
    /// <summary>While parked (挂账): when the case is to be reviewed.</summary>
    [Id(13)] public DateTimeOffset? ReviewOn { get; init; }
    /// <summary>While the report waits for its on-site check (核实): when the worker who has the check must answer.</summary>
    [Id(20)] public DateTimeOffset? ConfirmDue { get; init; }
    /// <summary>When the resident must be reached (首次联系), while nobody has and the deadline has not passed.</summary>
    [Id(35)] public DateTimeOffset? ContactDue { get; init; }

    /// <summary>The deadline that matters now: accept while dispatched, then the resolve or next escalation clock.</summary>
    public DateTimeOffset? EscalationDue => EscalatedTo.Count == 0 ? ResolveDue : NextEscalationDue;

    public bool IsOverdue(DateTimeOffset now) =>
        Status.IsAwaitingResult() && ((ResolveDue is { } due && due <= now) || EscalatedTo.Count > 0);
}

/// <summary>A note on a desk for the people who run it (missed deadline, nobody on duty, upward notice).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.DeskNotice")]
public sealed record DeskNotice(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string? IncidentId,
    [property: Id(2)] string Text);

/// <summary>One roster line on a grid desk.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.RosterEntry")]
public sealed record RosterEntry(
    [property: Id(0)] WorkerProfile Worker,
    [property: Id(1)] bool OnDuty,
    [property: Id(2)] int OpenLoad);

/// <summary>
/// The grid leader's desk: roster, open cases with their deadlines, notices, statistics.
/// <see cref="RetiredAt"/> is the territory version that no longer has the grid (its cases moved away; its notices say where).
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.GridDesk")]
public sealed record GridDesk(
    [property: Id(0)] string GridId,
    [property: Id(1)] string Name,
    [property: Id(2)] TerritoryPath Path,
    [property: Id(3)] IReadOnlyList<RosterEntry> Roster,
    [property: Id(4)] IReadOnlyList<CaseEntry> OpenCases,
    [property: Id(5)] IReadOnlyList<DeskNotice> Notices,
    [property: Id(6)] CaseStatistics Statistics,
    [property: Id(7)] int? RetiredAt = null);

/// <summary>A grid and its place in the territory tree, as one version of the map has them.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.GridSetup")]
public sealed record GridSetup(
    [property: Id(0)] GridInfo Grid,
    [property: Id(1)] TerritoryPath Path);

/// <summary>What an area or department desk needs to know: where it sits and which desks sit below it.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.DeskSetup")]
public sealed record DeskSetup(
    [property: Id(0)] DeskRef Desk,
    [property: Id(1)] string Name,
    [property: Id(2)] DeskRef? Parent,
    [property: Id(3)] IReadOnlyList<DeskRef> Children);

/// <summary>A case listed at a desk because the clock escalated it there.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.EscalatedCase")]
public sealed record EscalatedCase(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] string Category,
    [property: Id(2)] DeskRef Tracker,
    [property: Id(3)] TerritoryPath Path,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Reason);

/// <summary>An area or department desk: cases it owns, cases escalated to it, notices, rolled-up statistics.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.AreaDesk")]
public sealed record AreaDesk(
    [property: Id(0)] DeskRef Desk,
    [property: Id(1)] string Name,
    [property: Id(2)] DeskRef? Parent,
    [property: Id(3)] IReadOnlyList<DeskRef> Children,
    [property: Id(4)] IReadOnlyList<CaseEntry> OwnedCases,
    [property: Id(5)] IReadOnlyList<EscalatedCase> Escalated,
    [property: Id(6)] IReadOnlyList<DeskNotice> Notices,
    [property: Id(7)] int? RetiredAt = null);
