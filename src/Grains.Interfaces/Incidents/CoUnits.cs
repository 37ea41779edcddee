namespace Dispatch.Incidents;

/// <summary>Where a co-unit's part of a case stands.</summary>
public enum CoUnitPartStatus
{
    /// <summary>Named and not yet reported: the lead waits for it.</summary>
    Outstanding = 0,

    /// <summary>Reported done, with a result.</summary>
    Reported = 1,

    /// <summary>Given back by the co-unit as not its own; the lead no longer waits for it.</summary>
    HandedBack = 2,
}

/// <summary>
/// A department asked to do part of a case that spans departments (协办): what it must do, by when,
/// and what it reported. The case's holder stays the lead (主办) and closes the case.
/// </summary>
/// <param name="Department">The co-unit's department code (its desk is <c>department:CODE</c>).</param>
/// <param name="Task">What the lead asked it to do.</param>
/// <param name="Due">When the part is due: the category's resolve limit counted from when it was named.</param>
/// <param name="Result">What the co-unit reported (its result, or why it gave the part back).</param>
/// <param name="Overdue">Whether the part deadline passed with the part outstanding (the lead's desk was told once).</param>
[GenerateSerializer, Immutable, Alias("Dispatch.CoUnitPart")]
public sealed record CoUnitPart(
    [property: Id(0)] string Department,
    [property: Id(1)] string Task,
    [property: Id(2)] DateTimeOffset NamedAt,
    [property: Id(3)] DateTimeOffset Due,
    [property: Id(4)] CoUnitPartStatus Status = CoUnitPartStatus.Outstanding,
    [property: Id(5)] string? Result = null,
    [property: Id(6)] DateTimeOffset? ReportedAt = null,
    [property: Id(7)] string? ReportedBy = null,
    [property: Id(8)] bool Overdue = false)
{
    public bool IsOutstanding => Status == CoUnitPartStatus.Outstanding;
}

/// <summary>A co-unit named, with the part it must do (the event's reason) and the part's deadline.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CoUnitData")]
public sealed record CoUnitData(
    [property: Id(0)] string Department,
    [property: Id(1)] string Task,
    [property: Id(2)] DateTimeOffset Due) : CaseEventData;

/// <summary>Which co-unit's part a report, hand-back or missed part deadline is about.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.PartData")]
public sealed record PartData(
    [property: Id(0)] string Department) : CaseEventData;
