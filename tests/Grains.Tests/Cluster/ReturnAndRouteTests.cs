using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>Cases given back as not the holder's own (回退), routed on, and taken by the district when nobody will (兜底).</summary>
public sealed class ReturnAndRouteTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");

    private async Task<IncidentView> Delivered(TestGrid grid, string category)
    {
        var report = await fixture.ReportAt(grid, category);
        return await fixture.IncidentWhen(report.Id, v => v.Delivered);
    }

    [Fact]
    public async Task A_department_that_rejects_its_case_does_not_strand_it_the_district_takes_it_and_can_route_it_on()
    {
        var grid = fixture.ClaimGrid();
        var district = new DeskRef(OrgLevel.District, grid.DistrictId);
        var dispatched = await Delivered(grid, "gas-leak");
        Assert.Equal(DeskRef.Department("gas"), dispatched.Assignee?.Desk);

        await fixture.Incident(dispatched.Id).Reject(Operator, "not a gas leak: a burst water main");

        // Not left in Registered with nobody on it: the district holds it as its own and can act.
        var fallback = await fixture.IncidentWhen(dispatched.Id, v => v.Assignee?.Desk == district);
        Assert.Equal(IncidentStatus.Dispatched, fallback.Status);
        Assert.Equal(district, fallback.Tracker);
        Assert.Equal([DeskRef.Department("gas")], fallback.ReturnedBy);
        Assert.Contains(fallback.Timeline, t => t.Action == IncidentAction.Return && t.Reason!.Contains("burst water main", StringComparison.Ordinal));
        var gas = await fixture.Grains.GetGrain<IDeskGrain>("department:gas").GetDesk();
        Assert.DoesNotContain(gas!.OwnedCases, c => c.IncidentId == dispatched.Id);

        // The district routes it to the department it belongs to; back to gas is refused.
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(dispatched.Id).Route(Operator, "department:gas", "try again"));
        Assert.Equal("to", refused.Field);
        await fixture.Incident(dispatched.Id).Route(Operator, "department:municipal", "water main: municipal facilities");
        var routed = await fixture.IncidentWhen(dispatched.Id, v => v.Assignee?.Desk == DeskRef.Department("municipal"));
        Assert.Equal(IncidentStatus.Dispatched, routed.Status);

        var accepted = await fixture.Incident(dispatched.Id).Accept(Operator);
        Assert.Equal(IncidentStatus.Accepted, accepted.Status);
        await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>(district.Key).GetDesk(),
            d => d!.OwnedCases.All(c => c.IncidentId != dispatched.Id), "the district to let the routed case go");
    }

    [Fact]
    public async Task A_worker_returns_a_case_of_another_grid_the_community_routes_it_and_a_second_return_goes_to_the_district()
    {
        var grid = fixture.ClaimGrid();
        var other = fixture.ClaimGrid();
        var community = new DeskRef(OrgLevel.Community, grid.CommunityId);
        var dispatched = await Delivered(grid, "sanitation");
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        await fixture.Incident(dispatched.Id).Accept(worker);

        await Assert.ThrowsAsync<NotPermittedException>(() => fixture.Incident(dispatched.Id).Return(ActorRef.Worker(other.GridWorker.Id), "not mine"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(dispatched.Id).Return(worker, " "));
        await fixture.Incident(dispatched.Id).Return(worker, "the gate belongs to the next grid");

        // At the community, waiting for its decision; off the grid and off the worker.
        var returned = await fixture.IncidentWhen(dispatched.Id, v => v.Delivered);
        Assert.Equal(IncidentStatus.Registered, returned.Status);
        Assert.Equal(community, returned.Tracker);
        Assert.True(returned.AwaitingRoute);
        Assert.Null(returned.Assignee);
        var communityDesk = await fixture.Grains.GetGrain<IDeskGrain>(community.Key).GetDesk();
        Assert.Contains(communityDesk!.OwnedCases, c => c.IncidentId == dispatched.Id);
        Assert.Contains(communityDesk.Notices, n => n.IncidentId == dispatched.Id && n.Text.Contains("next grid", StringComparison.Ordinal));
        await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.OpenCases.All(c => c.IncidentId != dispatched.Id), "the grid to let the case go");

        // Routed to the other grid, whose desk dispatches it to one of its workers.
        await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(dispatched.Id).Route(Operator, DeskRef.Grid(grid.Id).Key, "back"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(dispatched.Id).Route(Operator, "grid:NO-SUCH-GRID", "nowhere"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(dispatched.Id).Route(Operator, "street:NOT-ITS-STREET", "elsewhere"));
        await fixture.Incident(dispatched.Id).Route(Operator, DeskRef.Grid(other.Id).Key, "the next grid's gate");
        var routed = await fixture.IncidentWhen(dispatched.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(DeskRef.Grid(other.Id), routed.Tracker);
        Assert.Contains(routed.Assignee!.WorkerId, other.Workers.Select(w => w.Id));

        // Returned again: no more routing round, the district takes it.
        await fixture.Incident(dispatched.Id).Return(ActorRef.Worker(routed.Assignee.WorkerId!), "not ours either");
        var district = new DeskRef(OrgLevel.District, grid.DistrictId);
        var fallback = await fixture.IncidentWhen(dispatched.Id, v => v.Assignee?.Desk == district);
        Assert.Equal([DeskRef.Grid(grid.Id), DeskRef.Grid(other.Id)], fallback.ReturnedBy);
        Assert.False(fallback.AwaitingRoute);
        Assert.Contains("兜底", fallback.Timeline.Last(t => t.Action == IncidentAction.Return).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operators_reject_is_recorded_as_the_operators_and_does_not_pass_the_worker_over()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "public-security");
        Assert.Equal(grid.Police.Id, dispatched.Assignee?.WorkerId);

        await fixture.Incident(dispatched.Id).Reject(Operator, "taken back to brief the officer");

        // The police officer is the only one with the skill: not passed over, they get it again.
        var again = await fixture.IncidentWhen(dispatched.Id, v => v.Status == IncidentStatus.Dispatched && v.Version > dispatched.Version + 1);
        Assert.Equal(grid.Police.Id, again.Assignee?.WorkerId);
        Assert.Contains($"after {Operator} rejected", again.Timeline[^1].Reason, StringComparison.Ordinal);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Empty(desk!.OpenCases.Single(c => c.IncidentId == dispatched.Id).PassedOver);
    }

    [Fact]
    public async Task The_emergency_notice_of_a_department_case_goes_to_the_community_of_the_place()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "gas-leak");

        var notify = dispatched.Timeline.Single(t => t.Action == IncidentAction.Notify);
        Assert.Contains(new DeskRef(OrgLevel.Community, grid.CommunityId).Key, notify.Reason, StringComparison.Ordinal);
        await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, grid.CommunityId).Key).GetDesk(),
            d => d!.Notices.Any(n => n.IncidentId == dispatched.Id), "the community's notice");
    }
}
