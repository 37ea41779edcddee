using Dispatch.Desks;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// What a case is after its events so far: the fold of its journal (<see cref="CaseFold"/>). The
/// incident grain, the desk that tracks the case and the register projection each hold one, and
/// all three get the same one from the same events.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseState")]
public sealed record CaseState
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>The sequence number of the last event folded in: the case's version.</summary>
    [Id(1)] public required int Sequence { get; init; }

    /// <summary>The hash of the last event folded in; the next event chains to it.</summary>
    [Id(2)] public required string Hash { get; init; }

    [Id(3)] public required IncidentStatus Status { get; init; }
    [Id(4)] public required string Category { get; init; }
    [Id(5)] public required string Description { get; init; }
    [Id(6)] public required Channel Channel { get; init; }
    [Id(7)] public required IReadOnlyList<Reporter> Reporters { get; init; }
    [Id(8)] public required Placement Placement { get; init; }

    /// <summary>The desk that tracks the case's deadlines: its grid, or the owner desk on the access list.</summary>
    [Id(9)] public required DeskRef Tracker { get; init; }

    [Id(10)] public Assignee? Assignee { get; init; }
    [Id(11)] public required DateTimeOffset ReportedAt { get; init; }
    [Id(12)] public DateTimeOffset? DispatchedAt { get; init; }
    [Id(13)] public DateTimeOffset? AcceptedAt { get; init; }
    [Id(14)] public DateTimeOffset? ResolvedAt { get; init; }
    [Id(15)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(16)] public DateTimeOffset? AcceptDue { get; init; }
    [Id(17)] public DateTimeOffset? ResolveDue { get; init; }
    [Id(18)] public DateTimeOffset? NextEscalationDue { get; init; }
    [Id(19)] public IReadOnlyList<EscalationStep> Escalations { get; init; } = [];
    [Id(20)] public int ReworkCount { get; init; }
    [Id(21)] public int? Rating { get; init; }
    [Id(22)] public string? MergedInto { get; init; }
    [Id(23)] public IReadOnlyList<string> Duplicates { get; init; } = [];

    /// <summary>Whether the tracking desk has taken the case in.</summary>
    [Id(24)] public bool Delivered { get; init; }

    /// <summary>Whether the latest result came in before the resolve deadline in force then (after rework, the fresh one).</summary>
    [Id(25)] public bool? ResolvedOnTime { get; init; }

    /// <summary>Workers who rejected the case or let its accept deadline pass; they are not picked for it again.</summary>
    [Id(26)] public IReadOnlyList<string> PassedOver { get; init; } = [];

    /// <summary>When the last event happened.</summary>
    [Id(27)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>An escalation deadline that fired with no level left above; it is not fired again.</summary>
    [Id(28)] public DateTimeOffset? EscalationSpent { get; init; }

    /// <summary>A link to media the reporter sent with the report, if any.</summary>
    [Id(29)] public string? MediaUrl { get; init; }

    /// <summary>The desks that gave the case back as not theirs (回退), oldest first; each return is counted.</summary>
    [Id(30)] public IReadOnlyList<DeskRef> ReturnedBy { get; init; } = [];

    /// <summary>Returned to its tracking desk, which must route it on (<see cref="IncidentAction.Route"/>) rather than work it.</summary>
    [Id(31)] public bool AwaitingRoute { get; init; }

    /// <summary>The resolve deadline an extension asked for that waits for the owning level's decision, if any.</summary>
    [Id(32)] public DateTimeOffset? ExtensionAskedFor { get; init; }

    /// <summary>Extensions granted (each moved the resolve deadline) and refused: counted in the assessment.</summary>
    [Id(33)] public int ExtensionsGranted { get; init; }

    [Id(34)] public int ExtensionsRefused { get; init; }

    /// <summary>While parked (挂账): when the owning level reviews it.</summary>
    [Id(35)] public DateTimeOffset? ReviewOn { get; init; }

    /// <summary>How often the case was parked.</summary>
    [Id(36)] public int TimesParked { get; init; }

    /// <summary>Closures the resident contested (申诉), each of which reopened the case for rework.</summary>
    [Id(37)] public int Appeals { get; init; }

    /// <summary>While held for an on-site check (核实): when the check is due.</summary>
    [Id(38)] public DateTimeOffset? ConfirmDue { get; init; }

    /// <summary>When the case was filed (立案): at registration, or when a held report was confirmed; its resolve clock starts then.</summary>
    [Id(39)] public DateTimeOffset? FiledAt { get; init; }

    /// <summary>Cases this one was merged into and separated from again: the desk does not merge it into them again.</summary>
    [Id(47)] public IReadOnlyList<string> SeparatedFrom { get; init; } = [];

    /// <summary>When the resident must have been contacted (首次联系), for a category with that stage and a resident to contact.</summary>
    [Id(51)] public DateTimeOffset? ContactDue { get; init; }

    /// <summary>When someone first reached the resident.</summary>
    [Id(52)] public DateTimeOffset? ContactedAt { get; init; }

    /// <summary>The first-contact deadline passed before anyone reached the resident (the level above was told).</summary>
    [Id(53)] public bool ContactMissed { get; init; }

    /// <summary>The review date a notice was given for; a case parked again with a new date gets another.</summary>
    [Id(54)] public DateTimeOffset? ReviewNoticedFor { get; init; }

    /// <summary>The departments asked to do part of the case (协办), in the order named; the tracker stays the lead (主办).</summary>
    [Id(42)] public IReadOnlyList<CoUnitPart> CoUnits { get; init; } = [];

    /// <summary>The co-units whose part the lead still waits for.</summary>
    public IEnumerable<CoUnitPart> OutstandingParts => CoUnits.Where(p => p.IsOutstanding);

    /// <summary>The earliest part deadline not yet noticed as missed, while the case waits for a result (parked: clocks stopped).</summary>
    public DateTimeOffset? NextPartDue => Status.IsAwaitingResult()
        ? CoUnits.Where(p => p.IsOutstanding && !p.Overdue).Select(p => (DateTimeOffset?)p.Due).Min()
        : null;

    public bool IsOpen => Status.IsOpen();

    /// <summary>Recorded for a desk that has not taken it in yet: a new case, or a report held for a check.</summary>
    public bool AwaitsTakeIn => Status is IncidentStatus.Registered or IncidentStatus.AwaitingConfirmation && !Delivered;

    /// <summary>The first-contact deadline while it still matters: nobody has reached the resident and it has not been missed.</summary>
    public DateTimeOffset? PendingContactDue => ContactedAt is null && !ContactMissed && Status.IsAwaitingResult() ? ContactDue : null;

    /// <summary>The review date of a parked case while no notice has been given for it.</summary>
    public DateTimeOffset? PendingReviewOn => Status == IncidentStatus.Parked && ReviewOn != ReviewNoticedFor ? ReviewOn : null;

    /// <summary>The clock that sends the case up next: the resolve deadline, then each level's supervision window.</summary>
    public DateTimeOffset? EscalationDue => Escalations.Count == 0 ? ResolveDue : NextEscalationDue;

    /// <summary>Still waiting for a result after its resolve deadline, or escalated and still unresolved.</summary>
    public bool IsOverdue(DateTimeOffset now) =>
        Status.IsAwaitingResult() && ((ResolveDue is { } due && due <= now) || Escalations.Count > 0);

    /// <summary>The case as the API shows it, with its timeline.</summary>
    public IncidentView ToView(IReadOnlyList<TimelineEntry> timeline, string? integrityProblem = null) => new()
    {
        Id = Id,
        Status = Status,
        Category = Category,
        Description = Description,
        Channel = Channel,
        Reporters = Reporters,
        Placement = Placement,
        Tracker = Tracker,
        Assignee = Assignee,
        ReportedAt = ReportedAt,
        DispatchedAt = DispatchedAt,
        AcceptedAt = AcceptedAt,
        ResolvedAt = ResolvedAt,
        ClosedAt = ClosedAt,
        AcceptDue = AcceptDue,
        ResolveDue = ResolveDue,
        NextEscalationDue = NextEscalationDue,
        Escalations = Escalations,
        ReworkCount = ReworkCount,
        Rating = Rating,
        MergedInto = MergedInto,
        Duplicates = Duplicates,
        Timeline = timeline,
        Delivered = Delivered,
        Version = Sequence,
        ResolvedOnTime = ResolvedOnTime,
        IntegrityProblem = integrityProblem,
        MediaUrl = MediaUrl,
        ReturnedBy = ReturnedBy,
        AwaitingRoute = AwaitingRoute,
        ExtensionAskedFor = ExtensionAskedFor,
        ExtensionsGranted = ExtensionsGranted,
        ExtensionsRefused = ExtensionsRefused,
        ReviewOn = ReviewOn,
        TimesParked = TimesParked,
        Appeals = Appeals,
        SeparatedFrom = SeparatedFrom,
        ContactDue = ContactDue,
        ContactedAt = ContactedAt,
        ContactMissed = ContactMissed,
        CoUnits = CoUnits,
        ConfirmDue = ConfirmDue,
        FiledAt = FiledAt,
    };

    /// <summary>The case as a desk lists it.</summary>
    public CaseEntry ToEntry() => new()
    {
        IncidentId = Id,
        Category = Category,
        BuildingId = Placement.BuildingId,
        Status = Status,
        Assignee = Assignee,
        RegisteredAt = ReportedAt,
        AcceptDue = Status == IncidentStatus.Dispatched ? AcceptDue : null,
        ResolveDue = ResolveDue,
        NextEscalationDue = NextEscalationDue,
        EscalatedTo = Escalations.Select(e => e.Desk).ToArray(),
        PassedOver = PassedOver,
        Version = Sequence,
        Path = Placement.Path,
        ReviewOn = ReviewOn,
        ContactDue = PendingContactDue,
        ConfirmDue = ConfirmDue,
    };
}
