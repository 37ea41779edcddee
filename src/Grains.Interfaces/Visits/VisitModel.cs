namespace Dispatch.Visits;

/// <summary>Who a grid visits on a schedule (004: key persons and the floating population need regular visits).</summary>
public enum VisitKind
{
    /// <summary>A resident under community correction or care (重点人员).</summary>
    KeyPerson = 0,

    /// <summary>An older resident living alone (独居老人).</summary>
    ElderlyAlone = 1,

    /// <summary>Rented housing and its tenants (出租房屋, 流动人口).</summary>
    RentedHousing = 2,
}

/// <summary>
/// One visit of a grid's plan: what to visit where, every how many days, from when. Each occurrence
/// becomes a patrol case of the kind's category, with that category's deadlines.
/// </summary>
/// <param name="Id">The visit's id within the plan (letters, digits, '-', '_', '.').</param>
/// <param name="Subject">Who or what to see, as the worker needs to know it ("Mr Wang, Room 302").</param>
/// <param name="Start">The first occurrence; the next ones follow every <paramref name="EveryDays"/> days.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.PlannedVisit")]
public sealed record PlannedVisit(
    [property: Id(0)] string Id,
    [property: Id(1)] VisitKind Kind,
    [property: Id(2)] string BuildingId,
    [property: Id(3)] string Subject,
    [property: Id(4)] int EveryDays,
    [property: Id(5)] DateTimeOffset Start);

/// <summary>A visit of the plan with where its schedule stands.</summary>
/// <param name="NextDue">When its next case is made.</param>
/// <param name="LastIncidentId">The case made for its latest occurrence, if any.</param>
/// <param name="LastProblem">Why the latest occurrence made no case (the building left the map, say), if it did not.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.VisitSchedule")]
public sealed record VisitSchedule(
    [property: Id(0)] PlannedVisit Visit,
    [property: Id(1)] string Category,
    [property: Id(2)] DateTimeOffset NextDue,
    [property: Id(3)] string? LastIncidentId = null,
    [property: Id(4)] DateTimeOffset? LastDue = null,
    [property: Id(5)] string? LastProblem = null);

/// <summary>A grid's visit plan as it stands.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.VisitPlanView")]
public sealed record VisitPlanView(
    [property: Id(0)] string GridId,
    [property: Id(1)] IReadOnlyList<VisitSchedule> Visits,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] string? UpdatedBy);
