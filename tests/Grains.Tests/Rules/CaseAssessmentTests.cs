using Dispatch.Catalog;
using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

/// <summary>The monthly assessment's rates, score and ranks from register lines.</summary>
public sealed class CaseAssessmentTests
{
    private static readonly DateTimeOffset Reported = new(2026, 11, 3, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly CategoryCatalog Catalog = CategoryCatalog.Default;
    private static readonly AssessmentWeights Weights = new(0.2, 0.4, 0.4);
    private static readonly Dispatch.Calendar.WorkingCalendar Calendar = Dispatch.Calendar.CalendarFiles.Shipped();

    private static AssessedCase Case(string community, IncidentStatus status, TimeSpan? acceptedAfter = null, int? rating = null,
        bool? onTime = null, int rework = 0, string category = "sanitation", string? tracker = null) =>
        new("D1", "S1", community, tracker ?? $"grid:{community}-G1", category, status, Reported,
            acceptedAfter is { } after ? Reported + after : null, onTime, rating, rework);

    [Fact]
    public void Rates_count_what_the_hotline_counts_and_the_best_unit_ranks_first()
    {
        var sanitationSignFor = Catalog.Get("sanitation").AcceptWithin;
        var cases = new[]
        {
            // C1: 4 cases; 3 signed for in time (one too late), 3 closed (2 on time), ratings 5, 4, 2, one reworked.
            Case("C1", IncidentStatus.Rated, TimeSpan.FromMinutes(5), rating: 5, onTime: true),
            Case("C1", IncidentStatus.Rated, TimeSpan.FromMinutes(5), rating: 4, onTime: true, rework: 1),
            Case("C1", IncidentStatus.Rated, sanitationSignFor + TimeSpan.FromMinutes(1), rating: 2, onTime: false),
            Case("C1", IncidentStatus.Accepted, TimeSpan.FromMinutes(1)),
            // Neither a duplicate merged into another case nor a cancelled report counts.
            Case("C1", IncidentStatus.Merged),
            Case("C1", IncidentStatus.Cancelled),
            // C2: 1 case, signed for and closed on time, not rated yet.
            Case("C2", IncidentStatus.Closed, TimeSpan.FromMinutes(2), onTime: true),
        };

        var ranked = CaseAssessment.Rank(cases, OrgLevel.Community, Catalog, Calendar, Weights, key => $"name of {key}");

        var c1 = Assert.Single(ranked, u => u.Desk == "community:C1");
        Assert.Equal((4, 3, 0.75), (c1.Cases, c1.Responded, c1.ResponseRate!.Value));
        Assert.Equal((3, 0.75), (c1.Resolved, c1.ResolutionRate!.Value));
        Assert.Equal((3, 2, 0.6667), (c1.Rated, c1.Satisfied, c1.SatisfactionRate!.Value));
        Assert.Equal((2, 0.6667), (c1.ClosedOnTime, c1.OnTimeRate!.Value));
        Assert.Equal((1, 1), (c1.Reworked, c1.Open));
        Assert.Equal(Math.Round(100 * ((0.2 * 0.75) + (0.4 * 0.75) + (0.4 * 0.6667)) / 1.0, 2), c1.Score);
        Assert.Equal("name of community:C1", c1.Name);

        // C2 has no rating: its score weighs the two rates it has (both 1), so it ranks first.
        var c2 = ranked[0];
        Assert.Equal("community:C2", c2.Desk);
        Assert.Null(c2.SatisfactionRate);
        Assert.Equal(100, c2.Score);
        Assert.Equal([1, 2], ranked.Select(u => u.Rank));
    }

    [Fact]
    public void Equal_scores_share_a_rank_and_departments_count_the_cases_they_own()
    {
        var cases = new[]
        {
            Case("C1", IncidentStatus.Rated, TimeSpan.FromMinutes(1), rating: 5, onTime: true),
            Case("C2", IncidentStatus.Rated, TimeSpan.FromMinutes(1), rating: 5, onTime: true),
            Case("C3", IncidentStatus.Registered),
            Case("C3", IncidentStatus.Accepted, TimeSpan.FromMinutes(1), category: "gas-leak", tracker: "department:gas"),
        };

        var communities = CaseAssessment.Rank(cases, OrgLevel.Community, Catalog, Calendar, Weights, key => key);
        Assert.Equal([1, 1, 3], communities.Select(u => u.Rank));
        Assert.Equal("community:C3", communities[2].Desk);
        Assert.Equal(0, communities[2].ResolutionRate);

        var counted = CaseAssessment.Rank(cases.Select((c, i) => c with { Extensions = i, Appeals = 1 }), OrgLevel.Community, Catalog, Calendar, Weights, key => key);
        Assert.Equal((2 + 3, 2), (counted.Single(u => u.Desk == "community:C3").Extensions, counted.Single(u => u.Desk == "community:C3").Appeals));

        var departments = CaseAssessment.Rank(cases, OrgLevel.Department, Catalog, Calendar, Weights, key => key);
        var gas = Assert.Single(departments);
        Assert.Equal(("department:gas", 1, 1), (gas.Desk, gas.Cases, gas.Responded));
    }

    [Fact]
    public void Response_counts_the_sign_for_limit_in_working_time_and_a_missed_first_contact_as_no_response()
    {
        var friday = new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.FromHours(8));
        AssessedCase Signed(DateTimeOffset accepted, bool contactMissed = false) =>
            new("D1", "S1", "C1", "grid:C1-G1", "sanitation", IncidentStatus.Accepted, friday, accepted, null, null, 0, ContactMissed: contactMissed);

        var cases = new[]
        {
            // Two working hours: the last hour of Friday and Monday until 10:00, whatever the wall clock says.
            Signed(new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.FromHours(8))),
            Signed(new DateTimeOffset(2026, 11, 30, 10, 1, 0, TimeSpan.FromHours(8))),
            // Signed for in time, but nobody reached the resident within the first-contact limit.
            Signed(new DateTimeOffset(2026, 11, 27, 16, 40, 0, TimeSpan.FromHours(8)), contactMissed: true),
        };

        var unit = Assert.Single(CaseAssessment.Rank(cases, OrgLevel.Community, Catalog, Calendar, Weights, key => key));
        Assert.Equal((3, 1), (unit.Cases, unit.Responded));
    }
}
