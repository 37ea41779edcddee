using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>Which units to assess, over which period: cases reported from <see cref="From"/> (inclusive) to <see cref="To"/>.</summary>
/// <param name="Level">Street, community or department.</param>
/// <param name="Within">Only the cases located in this district, street or community (an area-scoped key's view), or all.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.AssessmentQuery")]
public sealed record AssessmentQuery(
    [property: Id(0)] OrgLevel Level,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] DeskRef? Within = null);

/// <summary>How much each rate weighs in the score (they need not add up to one: the score divides by their sum).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.AssessmentWeights")]
public sealed record AssessmentWeights(
    [property: Id(0)] double Response,
    [property: Id(1)] double Resolution,
    [property: Id(2)] double Satisfaction);

/// <summary>
/// One unit's figures for the period and its place in the ranking. Rates are 0–1, null when the
/// unit had nothing to count them on; the score (0–100) weighs the three hotline rates that are there.
/// Extensions are those granted, appeals those the residents made, on the unit's cases.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.AssessedUnit")]
public sealed record AssessedUnit(
    [property: Id(0)] int Rank,
    [property: Id(1)] string Desk,
    [property: Id(2)] string Name,
    [property: Id(3)] int Cases,
    [property: Id(4)] int Responded,
    [property: Id(5)] double? ResponseRate,
    [property: Id(6)] int Resolved,
    [property: Id(7)] double? ResolutionRate,
    [property: Id(8)] int Rated,
    [property: Id(9)] int Satisfied,
    [property: Id(10)] double? SatisfactionRate,
    [property: Id(11)] int ClosedOnTime,
    [property: Id(12)] double? OnTimeRate,
    [property: Id(13)] int Reworked,
    [property: Id(14)] int Open,
    [property: Id(15)] double Score,
    [property: Id(16)] int Extensions,
    [property: Id(17)] int Appeals);

/// <summary>The ranked units of one level for one period (a monthly assessment, 月度考核).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.Assessment")]
public sealed record Assessment(
    [property: Id(0)] OrgLevel Level,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] AssessmentWeights Weights,
    [property: Id(4)] IReadOnlyList<AssessedUnit> Units);
