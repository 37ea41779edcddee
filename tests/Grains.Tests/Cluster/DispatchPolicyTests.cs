using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Tests.Support;
using Dispatch.Workforce;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

public sealed class DispatchPolicyTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    private IWorkerGrain Worker(WorkerProfile profile) => fixture.Grains.GetGrain<IWorkerGrain>(profile.Id);

    private async Task<IncidentView> Dispatched(TestGrid grid, string category, int building = 0)
    {
        var report = await fixture.ReportAt(grid, category, building);
        return await fixture.IncidentWhen(report.Id, v => v.Delivered);
    }

    [Fact]
    public async Task Cases_go_to_the_least_loaded_skilled_worker_then_rotate()
    {
        var grid = fixture.ClaimGrid();
        await Worker(grid.Property).SetDuty(true, "test");

        // Sanitation: the grid worker and the property staff have the skill; the police officer has not.
        var first = await Dispatched(grid, "sanitation", building: 0);
        var second = await Dispatched(grid, "property", building: 0);
        var third = await Dispatched(grid, "sanitation", building: 1);

        Assert.Equal(grid.GridWorker.Id, first.Assignee?.WorkerId);      // tie on load: lowest id
        Assert.Equal(grid.Property.Id, second.Assignee?.WorkerId);       // least load
        Assert.Equal(grid.GridWorker.Id, third.Assignee?.WorkerId);      // tie on load: least recently assigned
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Equal(2, desk!.Roster.Single(r => r.Worker.Id == grid.GridWorker.Id).OpenLoad);
        Assert.DoesNotContain(new[] { first, second, third }, v => v.Assignee?.WorkerId == grid.Police.Id);
    }

    [Fact]
    public async Task An_off_duty_worker_is_never_given_a_case_and_it_waits_until_someone_comes_on_duty()
    {
        var grid = fixture.ClaimGrid();
        await Worker(grid.Police).SetDuty(false, "test");

        var waiting = await Dispatched(grid, "public-security");

        Assert.Equal(IncidentStatus.Registered, waiting.Status);
        Assert.Null(waiting.Assignee);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Contains(desk!.Notices, n => n.IncidentId == waiting.Id && n.Text.Contains("no on-duty worker", StringComparison.Ordinal));

        await Worker(grid.Police).SetDuty(true, "test");

        var picked = await fixture.Incident(waiting.Id).Get();
        Assert.Equal(IncidentStatus.Dispatched, picked!.Status);
        Assert.Equal(grid.Police.Id, picked.Assignee?.WorkerId);
    }

    [Fact]
    public async Task Going_off_duty_hands_back_cases_not_yet_accepted_but_keeps_accepted_ones()
    {
        var grid = fixture.ClaimGrid();
        var accepted = await Dispatched(grid, "sanitation", building: 0);
        await fixture.Incident(accepted.Id).Accept(ActorRef.Worker(grid.GridWorker.Id));
        var pending = await Dispatched(grid, "sanitation", building: 1);
        Assert.Equal(grid.GridWorker.Id, pending.Assignee?.WorkerId);
        await Worker(grid.Property).SetDuty(true, "test");

        var view = await Worker(grid.GridWorker).SetDuty(false, "end of shift");

        Assert.False(view.OnDuty);
        var handedOn = await fixture.Incident(pending.Id).Get();
        Assert.Equal(grid.Property.Id, handedOn!.Assignee?.WorkerId);
        Assert.Equal(IncidentAction.Reassign, handedOn.Timeline[^1].Action);
        Assert.Contains("off duty", handedOn.Timeline[^1].Reason, StringComparison.Ordinal);
        var kept = await fixture.Incident(accepted.Id).Get();
        Assert.Equal(grid.GridWorker.Id, kept!.Assignee?.WorkerId);
        Assert.Equal([accepted.Id], view.Assignments.Select(a => a.IncidentId));
    }

    [Fact]
    public async Task A_rejected_case_is_re_dispatched_to_someone_else_never_back_to_the_rejecter()
    {
        var grid = fixture.ClaimGrid();
        await Worker(grid.Property).SetDuty(true, "test");
        var dispatched = await Dispatched(grid, "sanitation");
        var first = dispatched.Assignee!.WorkerId!;

        await fixture.Incident(dispatched.Id).Reject(ActorRef.Worker(first), "not my patch");

        var redispatched = await fixture.IncidentWhen(dispatched.Id, v => v.Status == IncidentStatus.Dispatched && v.Assignee?.WorkerId != first);
        var second = redispatched.Assignee!.WorkerId!;
        Assert.Contains(IncidentAction.Reject, redispatched.Timeline.Select(t => t.Action));

        // The second worker rejects too: nobody eligible is left, so the case waits on the desk.
        await fixture.Incident(dispatched.Id).Reject(ActorRef.Worker(second), "on another job");
        var waiting = await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.Notices.Count(n => n.IncidentId == dispatched.Id && n.Text.StartsWith("rejected", StringComparison.Ordinal)) == 2,
            "both rejections on the desk");
        var entry = waiting!.OpenCases.Single(c => c.IncidentId == dispatched.Id);
        Assert.Equal(IncidentStatus.Registered, entry.Status);
        Assert.Equal([first, second], entry.PassedOver);
    }

    [Fact]
    public async Task An_operator_can_reassign_to_a_named_worker_who_is_on_duty()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Dispatched(grid, "neighbour-dispute");
        var desk = fixture.Grains.GetGrain<IGridGrain>(grid.Id);
        var other = dispatched.Assignee!.WorkerId == grid.GridWorker.Id ? grid.Police : grid.GridWorker;

        var moved = await desk.Reassign(dispatched.Id, other.Id, ActorRef.Operator("grid-leader"), "knows the family");

        Assert.Equal(other.Id, moved.Assignee?.WorkerId);
        Assert.Equal("operator:grid-leader", moved.Timeline[^1].Actor);
        var offDuty = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            desk.Reassign(dispatched.Id, grid.Property.Id, ActorRef.Operator("grid-leader"), "try"));
        Assert.Equal("workerId", offDuty.Field);
    }
}
