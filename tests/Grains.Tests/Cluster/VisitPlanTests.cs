using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Tests.Support;
using Dispatch.Visits;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>Visit plans in fake time: each visit a patrol case when due, on the plan's own clock. A cluster of their own, because they move its clock.</summary>
public sealed class VisitPlanTests(VisitPlanTests.Cluster fixture) : IClassFixture<VisitPlanTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    private static readonly ActorRef Operator = ActorRef.Operator("ops-1");

    private IVisitPlanGrain Plan(TestGrid grid) => fixture.Grains.GetGrain<IVisitPlanGrain>(grid.Id);

    private Task<VisitPlanView> PlanWhen(TestGrid grid, Func<VisitPlanView, bool> condition, string what) =>
        Eventually(() => Plan(grid).Get(), condition, what);

    [Fact]
    public async Task A_visit_becomes_a_case_when_due_and_again_every_period()
    {
        var grid = fixture.ClaimGrid();
        var start = fixture.Time.GetUtcNow() + TimeSpan.FromHours(1);
        var plan = await Plan(grid).Replace([new PlannedVisit("kp-1", VisitKind.KeyPerson, grid.Buildings[0].Id, "Mr Wang, room 302", 7, start)], Operator);
        var scheduled = Assert.Single(plan.Visits);
        Assert.Equal(start, scheduled.NextDue);
        Assert.Equal("key-person-visit", scheduled.Category);
        Assert.Null(scheduled.LastIncidentId);
        Assert.Equal("operator:ops-1", plan.UpdatedBy);

        fixture.Advance(TimeSpan.FromMinutes(59));
        Assert.Null((await Plan(grid).Get()).Visits[0].LastIncidentId);

        fixture.Advance(TimeSpan.FromMinutes(1));
        var first = await PlanWhen(grid, p => p.Visits[0].LastIncidentId is not null, "the first visit's case");
        Assert.Equal(start, first.Visits[0].LastDue);
        Assert.Equal(start + TimeSpan.FromDays(7), first.Visits[0].NextDue);

        // A patrol case like any other: the police officer has the skill (security) and gets it.
        var visit = await fixture.IncidentWhen(first.Visits[0].LastIncidentId!, v => v.Assignee is not null);
        Assert.Equal("key-person-visit", visit.Category);
        Assert.Equal(Channel.Visit, visit.Channel);
        Assert.Equal(grid.Id, visit.Placement.Path.GridId);
        Assert.Equal(grid.Police.Id, visit.Assignee!.WorkerId);
        Assert.Contains("Mr Wang, room 302", visit.Description, StringComparison.Ordinal);
        Assert.NotNull(visit.ResolveDue);

        fixture.Advance(TimeSpan.FromDays(7));
        var second = await PlanWhen(grid, p => p.Visits[0].LastDue == start + TimeSpan.FromDays(7), "the second visit's case");
        Assert.NotEqual(first.Visits[0].LastIncidentId, second.Visits[0].LastIncidentId);
        Assert.NotNull(await fixture.Incident(second.Visits[0].LastIncidentId!).Get());
    }

    [Fact]
    public async Task Two_visits_at_one_building_are_two_cases_and_a_plan_that_slept_makes_one_case_each()
    {
        var grid = fixture.ClaimGrid();
        var start = fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(10);
        var building = grid.Buildings[1].Id;
        await Plan(grid).Replace(
        [
            new PlannedVisit("elder-1", VisitKind.ElderlyAlone, building, "Mrs Li, 84, lives alone", 1, start),
            new PlannedVisit("elder-2", VisitKind.ElderlyAlone, building, "Mr Zhao, 90, lives alone", 1, start),
        ], Operator);

        // Three days at once: each visit makes the latest occurrence only, not three.
        fixture.Advance(TimeSpan.FromDays(3));
        var plan = await PlanWhen(grid, p => p.Visits.All(v => v.LastIncidentId is not null), "both visits' cases");
        var latest = start + TimeSpan.FromDays(2);
        Assert.All(plan.Visits, v => Assert.Equal(latest, v.LastDue));
        Assert.All(plan.Visits, v => Assert.Equal(latest + TimeSpan.FromDays(1), v.NextDue));

        var cases = await Task.WhenAll(plan.Visits.Select(v => fixture.IncidentWhen(v.LastIncidentId!, c => c.Delivered)));
        Assert.NotEqual(cases[0].Id, cases[1].Id);
        Assert.All(cases, c => Assert.NotEqual(IncidentStatus.Merged, c.Status));
        Assert.All(cases, c => Assert.DoesNotContain(c.Timeline, t => t.Action == IncidentAction.Merge));
    }

    [Fact]
    public async Task A_plan_sent_again_keeps_its_schedule_and_a_bad_plan_changes_nothing()
    {
        var grid = fixture.ClaimGrid();
        var other = fixture.ClaimGrid();
        var past = fixture.Time.GetUtcNow() - TimeSpan.FromDays(10) + TimeSpan.FromHours(2);
        var visit = new PlannedVisit("rent-1", VisitKind.RentedHousing, grid.Buildings[0].Id, "Rented flat 5-1, tenants changed", 7, past);
        var plan = await Plan(grid).Replace([visit], Operator);

        // A start in the past: the first occurrence from now on, not a case at once.
        Assert.Equal(past + TimeSpan.FromDays(14), plan.Visits[0].NextDue);

        var again = await Plan(grid).Replace([visit with { Subject = "Rented flat 5-1" }], Operator);
        Assert.Equal(plan.Visits[0].NextDue, again.Visits[0].NextDue);
        Assert.Equal("Rented flat 5-1", again.Visits[0].Visit.Subject);

        var elsewhere = await Assert.ThrowsAsync<ValidationFailedException>(() => Plan(grid).Replace(
            [visit, new PlannedVisit("rent-2", VisitKind.RentedHousing, other.Buildings[0].Id, "Not ours", 7, past)], Operator));
        Assert.Equal("visits[1].buildingId", elsewhere.Field);
        Assert.Contains($"is in grid '{other.Id}'", elsewhere.Message, StringComparison.Ordinal);

        var twice = await Assert.ThrowsAsync<ValidationFailedException>(() => Plan(grid).Replace([visit, visit], Operator));
        Assert.Equal("visits[1].id", twice.Field);
        var never = await Assert.ThrowsAsync<ValidationFailedException>(() => Plan(grid).Replace([visit with { EveryDays = 0 }], Operator));
        Assert.Equal("visits[0].everyDays", never.Field);

        var unchanged = await Plan(grid).Get();
        Assert.Equal(again.Visits, unchanged.Visits);
        await Assert.ThrowsAsync<NotFoundException>(() => fixture.Grains.GetGrain<IVisitPlanGrain>("no-such-grid").Replace([], Operator));
    }
}
