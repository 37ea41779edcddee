using Dispatch.Calendar;
using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>
/// Confirm before filing (核实) in fake time: a resident's report of a category with a confirm limit
/// waits for a grid worker's on-site check; confirmed it is filed, not confirmed it ends. These tests
/// move the domain clock, so they have a cluster of their own.
/// </summary>
public sealed class ConfirmBeforeFilingTests(ConfirmBeforeFilingTests.Cluster fixture) : IClassFixture<ConfirmBeforeFilingTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    private const string Vehicle = "abandoned-vehicle";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private WorkingCalendar Calendar => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CityCalendar>().Current;

    /// <summary>A hotline report of an abandoned vehicle, once its grid has given the check to a worker.</summary>
    private async Task<IncidentView> HeldAndGiven(TestGrid grid, string category = Vehicle)
    {
        var report = await fixture.ReportAt(grid, category);
        Assert.Equal(IncidentStatus.AwaitingConfirmation, report.Status);
        return await fixture.IncidentWhen(report.Id, v => v.Assignee?.WorkerId is not null);
    }

    [Fact]
    public async Task A_hotline_report_waits_for_the_check_and_once_the_worker_confirms_it_is_filed_and_theirs_with_its_resolve_clock_from_then()
    {
        var grid = fixture.ClaimGrid();
        var reportedAt = fixture.Time.GetUtcNow();
        var held = await HeldAndGiven(grid);

        Assert.Equal(DeskRef.Grid(grid.Id), held.Tracker);
        Assert.Equal(grid.GridWorker.Id, held.Assignee!.WorkerId);
        Assert.Null(held.ResolveDue);
        Assert.Null(held.FiledAt);
        Assert.Null(held.AcceptDue);
        var category = fixture.Catalog.Get(Vehicle);
        Assert.Equal(IncidentDeadlines.ConfirmDue(category, reportedAt, Calendar), held.ConfirmDue);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Contains(desk!.OpenCases, c => c.IncidentId == held.Id && c.Status == IncidentStatus.AwaitingConfirmation);

        // The same report registered again is the same case.
        var again = await fixture.ReportAt(grid, Vehicle, id: held.Id);
        Assert.Equal((held.Id, IncidentStatus.AwaitingConfirmation), (again.Id, again.Status));
        Assert.Equal(held.Version, (await fixture.Incident(held.Id).Get())!.Version);

        fixture.Advance(TimeSpan.FromHours(1));
        var filedAt = fixture.Time.GetUtcNow();
        var worker = ActorRef.Worker(grid.GridWorker.Id);
        var filed = await fixture.Incident(held.Id).Confirm(worker, confirmed: true, "a rusted car without plates, there for months");

        Assert.Equal(IncidentStatus.Dispatched, filed.Status);
        Assert.Equal(grid.GridWorker.Id, filed.Assignee?.WorkerId);
        Assert.Equal(filedAt, filed.FiledAt);
        Assert.Equal(IncidentDeadlines.ResolveDue(category, filedAt, Calendar), filed.ResolveDue);
        Assert.Equal(IncidentDeadlines.AcceptDue(category, filedAt, Calendar), filed.AcceptDue);
        Assert.Null(filed.ConfirmDue);
        Assert.Equal([IncidentAction.Report, IncidentAction.HoldForConfirmation, IncidentAction.Dispatch, IncidentAction.Register, IncidentAction.Dispatch],
            filed.Timeline.Select(t => t.Action));
        Assert.Contains("a rusted car", filed.Timeline[^2].Reason, StringComparison.Ordinal);

        // From here it is an ordinary case of the grid, worked by the worker who saw it.
        var accepted = await fixture.Incident(held.Id).Accept(worker);
        Assert.Equal(IncidentStatus.Accepted, accepted.Status);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(held.Id).Confirm(worker, confirmed: true, null));
    }

    [Fact]
    public async Task Nothing_found_on_site_ends_the_report_unconfirmed_closed_and_out_of_the_open_and_overdue_figures()
    {
        var grid = fixture.ClaimGrid();
        var held = await HeldAndGiven(grid);
        var incident = fixture.Incident(held.Id);
        var worker = ActorRef.Worker(grid.GridWorker.Id);

        // Nothing found must say what the worker saw; another worker may not answer; nothing changes.
        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.Confirm(worker, confirmed: false, "  "));
        await Assert.ThrowsAsync<NotPermittedException>(() => incident.Confirm(ActorRef.Worker(grid.Police.Id), confirmed: false, "not there"));
        Assert.Equal(held.Version, (await incident.Get())!.Version);

        var ended = await incident.Confirm(worker, confirmed: false, "the car was moved by its owner yesterday");
        Assert.Equal(IncidentStatus.Unconfirmed, ended.Status);
        Assert.False(ended.IsOpen);
        Assert.Equal(fixture.Time.GetUtcNow(), ended.ClosedAt);
        Assert.Equal("the car was moved by its owner yesterday", ended.Timeline[^1].Reason);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Confirm(worker, confirmed: true, null));

        fixture.Advance(TimeSpan.FromDays(10));
        var stats = await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Unconfirmed == 1, "the register to count the unconfirmed report");
        Assert.Equal((0, 0, 0, 0L), (stats.Open, stats.Overdue, stats.AwaitingConfirmation, stats.Closed));
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.DoesNotContain(desk!.OpenCases, c => c.IncidentId == held.Id);
        Assert.Equal(IncidentStatus.Unconfirmed, (await incident.Get())!.Status);
    }

    [Fact]
    public async Task A_check_due_after_the_weekend_is_counted_in_working_hours_and_when_missed_the_community_hears_and_the_next_worker_goes()
    {
        var grid = fixture.ClaimGrid();
        var now = fixture.Time.GetUtcNow().ToOffset(China);
        var friday = now.Date.AddDays(1);
        while (friday.DayOfWeek != DayOfWeek.Friday)
        {
            friday = friday.AddDays(1);
        }

        fixture.Advance(new DateTimeOffset(friday.AddHours(16).AddMinutes(30), China) - now);
        var held = await HeldAndGiven(grid);

        // Four working hours: the last hour of Friday, then Monday 09:00-12:00 — nothing over the weekend.
        var mondayNoon = new DateTimeOffset(friday.AddDays(3).AddHours(12), China);
        Assert.Equal(mondayNoon, held.ConfirmDue);
        Assert.False(Calendar.IsWorkingDay(DateOnly.FromDateTime(friday.AddDays(1))));
        Assert.True(Calendar.IsWorkingDay(DateOnly.FromDateTime(mondayNoon.Date)));

        fixture.Advance(mondayNoon - fixture.Time.GetUtcNow() - Tick);
        Assert.Equal(held.Version, (await fixture.Incident(held.Id).Get())!.Version);

        // The property staff came on duty meanwhile: the check goes to them, the late worker is passed over.
        await fixture.Grains.GetGrain<Workforce.IWorkerGrain>(grid.Property.Id).SetDuty(true, "test");
        fixture.Advance(Tick);
        var handedOn = await fixture.IncidentWhen(held.Id, v => v.Assignee?.WorkerId == grid.Property.Id);

        Assert.Equal(IncidentStatus.AwaitingConfirmation, handedOn.Status);
        Assert.Null(handedOn.ResolveDue);
        // A fresh four working hours from Monday noon: 13:30-17:30.
        Assert.Equal(new DateTimeOffset(friday.AddDays(3).AddHours(17).AddMinutes(30), China), handedOn.ConfirmDue);
        var notify = Assert.Single(handedOn.Timeline, t => t.Action == IncidentAction.Notify);
        Assert.Contains($"not answered by {grid.GridWorker.Id}", notify.Reason, StringComparison.Ordinal);
        var community = await fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, grid.CommunityId).Key).GetDesk();
        Assert.Contains(community!.Notices, n => n.IncidentId == held.Id && n.Text.Contains("on-site check", StringComparison.Ordinal));

        // The late worker can no longer answer it; the one who has it can.
        await Assert.ThrowsAsync<NotPermittedException>(() => fixture.Incident(held.Id).Confirm(ActorRef.Worker(grid.GridWorker.Id), true, null));
        var filed = await fixture.Incident(held.Id).Confirm(ActorRef.Worker(grid.Property.Id), true, null);
        Assert.Equal((IncidentStatus.Dispatched, grid.Property.Id), (filed.Status, filed.Assignee?.WorkerId));
    }

    [Fact]
    public async Task A_worker_s_own_patrol_report_of_the_same_category_is_filed_at_once()
    {
        var grid = fixture.ClaimGrid();
        var patrol = await fixture.Grains.GetGrain<IIntakeGrain>(0).Report(
            new NewReport(Vehicle, "A dumped tricycle in the lane", new Reporter("Grid worker", "13800000001"), Channel.Patrol,
                new ReportedLocation(grid.Buildings[0].Id, null, null, null)),
            ActorRef.Worker(grid.GridWorker.Id));

        Assert.Equal(IncidentStatus.Registered, patrol.Status);
        Assert.Equal(patrol.ReportedAt, patrol.FiledAt);
        Assert.NotNull(patrol.ResolveDue);
        Assert.DoesNotContain(patrol.Timeline, t => t.Action == IncidentAction.HoldForConfirmation);
        await fixture.IncidentWhen(patrol.Id, v => v.Status == IncidentStatus.Dispatched);
    }

    [Fact]
    public async Task A_confirmed_report_the_access_list_gives_to_a_department_goes_there_to_be_taken_in()
    {
        var grid = fixture.ClaimGrid();
        var report = await fixture.ReportAt(grid, "illegal-construction");
        Assert.Equal((IncidentStatus.AwaitingConfirmation, DeskRef.Grid(grid.Id)), (report.Status, report.Tracker));

        // Nobody on the grid has the skill for enforcement: the check waits with a notice on the grid's desk,
        // until an operator gives it to someone by name.
        var waiting = await fixture.IncidentWhen(report.Id, v => v.Delivered);
        Assert.Null(waiting.Assignee);
        await fixture.Grains.GetGrain<IGridGrain>(grid.Id).Reassign(report.Id, grid.GridWorker.Id, ActorRef.Operator("duty-officer"), "W1 is in the courtyard");

        var filed = await fixture.Incident(report.Id).Confirm(ActorRef.Worker(grid.GridWorker.Id), true, "an enclosed balcony being built");
        var department = DeskRef.Department("urban-management");
        Assert.Equal((IncidentStatus.Registered, department), (filed.Status, filed.Tracker));

        var taken = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(department, taken.Assignee?.Desk);
        var owner = await fixture.Grains.GetGrain<IDeskGrain>(department.Key).GetDesk();
        Assert.Contains(owner!.OwnedCases, c => c.IncidentId == report.Id);
        var gridDesk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.DoesNotContain(gridDesk!.OpenCases, c => c.IncidentId == report.Id);
    }
}
