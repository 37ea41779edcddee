using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

public sealed class IncidentRegisterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static IncidentSummary Case(
        string id,
        DateTimeOffset reportedAt,
        IncidentStatus status = IncidentStatus.Dispatched,
        string grid = "D1-S1-C1-G1",
        DateTimeOffset? resolveDue = null,
        DeskRef? escalatedTo = null,
        string? worker = null) => new()
    {
        Id = id,
        Status = status,
        Category = "sanitation",
        Channel = Channel.Hotline,
        Path = new TerritoryPath("test", "D1", "D1-S1", grid[..8], grid),
        Tracker = DeskRef.Grid(grid),
        Assignee = worker is null ? null : Assignee.Worker(worker),
        ReportedAt = reportedAt,
        ResolveDue = resolveDue,
        EscalatedTo = escalatedTo,
        Version = 1,
        UpdatedAt = reportedAt,
        Description = "x",
    };

    private static IncidentQuery Query(DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        new() { From = from ?? Noon.AddDays(-7), To = to ?? Noon.AddDays(1) };

    [Fact]
    public void Overdue_means_awaiting_a_result_past_the_resolve_deadline_or_escalated()
    {
        Assert.False(Case("a", Noon, resolveDue: Noon.AddHours(1)).IsOverdue(Noon));
        Assert.True(Case("a", Noon, resolveDue: Noon.AddHours(1)).IsOverdue(Noon.AddHours(1)));
        Assert.True(Case("a", Noon, resolveDue: Noon.AddHours(9), escalatedTo: new DeskRef(OrgLevel.Community, "C1")).IsOverdue(Noon));
        Assert.False(Case("a", Noon, IncidentStatus.Resolved, resolveDue: Noon.AddHours(-1)).IsOverdue(Noon));
        Assert.False(Case("a", Noon, IncidentStatus.Closed, escalatedTo: new DeskRef(OrgLevel.Community, "C1")).IsOverdue(Noon));
    }

    [Fact]
    public void Every_given_criterion_must_hold()
    {
        var late = Case("late", Noon.AddHours(-5), grid: "D1-S1-C1-G2", resolveDue: Noon.AddHours(-1), worker: "W1");

        Assert.True(Query().Matches(late, Noon));
        Assert.True((Query() with { GridId = "D1-S1-C1-G2", CommunityId = "D1-S1-C1", Overdue = true, WorkerId = "W1" }).Matches(late, Noon));
        Assert.False((Query() with { GridId = "D1-S1-C1-G1" }).Matches(late, Noon));
        Assert.False((Query() with { Overdue = false }).Matches(late, Noon));
        Assert.False((Query() with { Statuses = [IncidentStatus.Accepted, IncidentStatus.Closed] }).Matches(late, Noon));
        Assert.True((Query() with { Statuses = [IncidentStatus.Accepted, IncidentStatus.Dispatched] }).Matches(late, Noon));
        Assert.False((Query() with { WorkerId = "W2" }).Matches(late, Noon));
        Assert.False((Query() with { Category = "noise" }).Matches(late, Noon));
    }

    [Fact]
    public void The_time_range_includes_from_and_excludes_to()
    {
        Assert.True(Query(from: Noon, to: Noon.AddHours(1)).Matches(Case("a", Noon), Noon));
        Assert.False(Query(from: Noon.AddHours(-1), to: Noon).Matches(Case("a", Noon), Noon));
    }

    [Fact]
    public void A_cursor_continues_strictly_after_its_case_in_newest_first_order()
    {
        var cases = new List<IncidentSummary>
        {
            Case("20261123-AAAAAAAAAAAA", Noon),
            Case("20261123-BBBBBBBBBBBB", Noon),
            Case("20261123-CCCCCCCCCCCC", Noon.AddMinutes(1)),
            Case("20261123-DDDDDDDDDDDD", Noon.AddMinutes(-1)),
        };
        cases.Sort(IncidentCursor.NewestFirst);
        Assert.Equal(["20261123-CCCCCCCCCCCC", "20261123-BBBBBBBBBBBB", "20261123-AAAAAAAAAAAA", "20261123-DDDDDDDDDDDD"], cases.Select(c => c.Id));

        var after = Query() with { After = IncidentCursor.Of(cases[1]) };
        Assert.Equal(["20261123-AAAAAAAAAAAA", "20261123-DDDDDDDDDDDD"], cases.Where(c => after.Matches(c, Noon)).Select(c => c.Id));
    }
}
