using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>One line of the incident register (台账): what lists and filters need, without the timeline.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentSummary")]
public sealed record IncidentSummary
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required IncidentStatus Status { get; init; }
    [Id(2)] public required string Category { get; init; }
    [Id(3)] public required Channel Channel { get; init; }
    [Id(4)] public required TerritoryPath Path { get; init; }
    [Id(5)] public string? BuildingId { get; init; }
    [Id(6)] public required DeskRef Tracker { get; init; }
    [Id(7)] public Assignee? Assignee { get; init; }
    [Id(8)] public required DateTimeOffset ReportedAt { get; init; }
    [Id(9)] public DateTimeOffset? AcceptDue { get; init; }
    [Id(10)] public DateTimeOffset? ResolveDue { get; init; }
    /// <summary>The highest desk the clock has escalated the case to, if any.</summary>
    [Id(11)] public DeskRef? EscalatedTo { get; init; }
    [Id(12)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(13)] public int? Rating { get; init; }
    [Id(14)] public int ReworkCount { get; init; }
    [Id(15)] public required int Version { get; init; }
    [Id(16)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(17)] public required string Description { get; init; }

    /// <summary>The description as a list shows it.</summary>
    public const int DescriptionShown = 120;

    /// <summary>Still waiting for a result after its resolve deadline, or escalated and still unresolved.</summary>
    public bool IsOverdue(DateTimeOffset now) =>
        Status.IsAwaitingResult() && ((ResolveDue is { } due && due <= now) || EscalatedTo is not null);
}

/// <summary>A filter over the register. Every criterion given must hold; area criteria match the case's place.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentQuery")]
public sealed record IncidentQuery
{
    [Id(0)] public IReadOnlyList<IncidentStatus> Statuses { get; init; } = [];
    [Id(1)] public string? GridId { get; init; }
    [Id(2)] public string? CommunityId { get; init; }
    [Id(3)] public string? StreetId { get; init; }
    [Id(4)] public string? DistrictId { get; init; }
    [Id(5)] public string? Category { get; init; }
    /// <summary>True: only overdue cases; false: only cases that are not overdue; null: both.</summary>
    [Id(6)] public bool? Overdue { get; init; }
    /// <summary>Reported at or after this instant.</summary>
    [Id(7)] public required DateTimeOffset From { get; init; }
    /// <summary>Reported before this instant.</summary>
    [Id(8)] public required DateTimeOffset To { get; init; }
    [Id(9)] public string? WorkerId { get; init; }
    /// <summary>Continue after this case (newest first): its report time and id.</summary>
    [Id(10)] public IncidentCursor? After { get; init; }
    [Id(11)] public int Limit { get; init; } = 50;

    /// <summary>
    /// Only cases whose first reporter called from this number (its digits, <see cref="IncidentRegister.PhoneKey"/>):
    /// a caller's earlier cases. Applied by the register, which keeps the number; <see cref="Matches"/> does not see it.
    /// </summary>
    [Id(12)] public string? ReporterPhone { get; init; }

    /// <summary>
    /// Only cases a department has a hand in: held by its desk (the lead) or naming it as a co-unit (协办),
    /// whatever its part's status. Applied by the register, which keeps the co-units; <see cref="Matches"/> does not see them.
    /// </summary>
    [Id(13)] public string? Department { get; init; }

    public bool Matches(IncidentSummary s, DateTimeOffset now) =>
        s.ReportedAt >= From && s.ReportedAt < To
        && (After is null || After.Precedes(s))
        && (Statuses.Count == 0 || Statuses.Contains(s.Status))
        && (GridId is null || s.Path.GridId == GridId)
        && (CommunityId is null || s.Path.CommunityId == CommunityId)
        && (StreetId is null || s.Path.StreetId == StreetId)
        && (DistrictId is null || s.Path.DistrictId == DistrictId)
        && (Category is null || s.Category == Category)
        && (WorkerId is null || s.Assignee?.WorkerId == WorkerId)
        && (Overdue is not { } overdue || s.IsOverdue(now) == overdue);
}

/// <summary>A position in the register's order: newest report first, then case number descending.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentCursor")]
public sealed record IncidentCursor(
    [property: Id(0)] DateTimeOffset ReportedAt,
    [property: Id(1)] string Id)
{
    /// <summary>Newest first, ties by case number descending.</summary>
    public static readonly Comparison<IncidentSummary> NewestFirst = (a, b) =>
    {
        var byTime = b.ReportedAt.CompareTo(a.ReportedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
    };

    /// <summary>Whether <paramref name="s"/> comes after this position.</summary>
    public bool Precedes(IncidentSummary s) =>
        s.ReportedAt < ReportedAt || (s.ReportedAt == ReportedAt && string.CompareOrdinal(s.Id, Id) < 0);

    public static IncidentCursor Of(IncidentSummary s) => new(s.ReportedAt, s.Id);
}

/// <summary>One page of the register, and where the next page starts (null on the last page).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentPage")]
public sealed record IncidentPage(
    [property: Id(0)] IReadOnlyList<IncidentSummary> Items,
    [property: Id(1)] IncidentCursor? Next);

/// <summary>The register's limits.</summary>
public static class IncidentRegister
{
    /// <summary>The longest time range one query may cover.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(92);

    /// <summary>The earliest time a search may name (1970-01-01 UTC): far from the calendar's start, so no range arithmetic overflows.</summary>
    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    /// <summary>The latest time a search may name (9999-01-01 UTC), as far from the calendar's end.</summary>
    public static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const int MaxLimit = 200;

    /// <summary>A phone number as the register keeps and searches it: its digits only, so "138-0000-0001" finds "13800000001".</summary>
    public static string PhoneKey(string phone) => new(phone.Where(char.IsAsciiDigit).ToArray());

    /// <summary>The longest period one assessment or period's statistics may cover: a year.</summary>
    public static readonly TimeSpan MaxAssessedRange = TimeSpan.FromDays(366);
}

/// <summary>Answers register searches and figures. Stateless, so every silo answers them in parallel, never queued behind a desk.</summary>
[Alias("Dispatch.IIncidentSearchGrain")]
public interface IIncidentSearchGrain : IGrainWithIntegerKey
{
    [Alias("Search")] Task<IncidentPage> Search(IncidentQuery query);

    /// <summary>The figures of a desk and everything below it (<c>grid:</c>, <c>community:</c> ... <c>city:</c>, or a department's own cases).</summary>
    [Alias("Statistics")] Task<Desks.CaseStatistics> Statistics(Territory.DeskRef desk);

    /// <summary>The figures of a desk for the cases reported in a period (from inclusive, to exclusive).</summary>
    [Alias("StatisticsFor")] Task<Desks.CaseStatistics> StatisticsFor(Territory.DeskRef desk, DateTimeOffset from, DateTimeOffset to);

    /// <summary>The streets, communities or departments ranked by their response, resolution and satisfaction rates for a period.</summary>
    [Alias("Assess")] Task<Assessment> Assess(AssessmentQuery query);
}
