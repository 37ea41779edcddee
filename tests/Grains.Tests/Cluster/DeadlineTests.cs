using Dispatch.Errors;
using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>Deadlines in fake time. These tests move the cluster's domain clock, so they have a cluster of their own.</summary>
public sealed class DeadlineTests(DeadlineTests.Cluster fixture) : IClassFixture<DeadlineTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");

    private async Task<IncidentView> Delivered(TestGrid grid, string category)
    {
        var report = await fixture.ReportAt(grid, category);
        return await fixture.IncidentWhen(report.Id, v => v.Delivered);
    }

    [Fact]
    public async Task A_missed_accept_deadline_re_dispatches_to_another_worker_with_a_notice_on_the_desk()
    {
        var grid = fixture.ClaimGrid();
        await fixture.Grains.GetGrain<Workforce.IWorkerGrain>(grid.Property.Id).SetDuty(true, "test");
        var dispatched = await Delivered(grid, "sanitation");
        var first = dispatched.Assignee!.WorkerId;

        fixture.Advance(dispatched.AcceptDue!.Value - fixture.Time.GetUtcNow() - Tick);
        Assert.Equal(first, (await fixture.Incident(dispatched.Id).Get())!.Assignee?.WorkerId);

        fixture.Advance(Tick);
        var moved = await fixture.IncidentWhen(dispatched.Id, v => v.Assignee?.WorkerId != first);

        Assert.Equal(IncidentStatus.Dispatched, moved.Status);
        Assert.Equal(IncidentAction.Reassign, moved.Timeline[^1].Action);
        Assert.Contains("accept deadline", moved.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.True(moved.AcceptDue > dispatched.AcceptDue);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Contains(desk!.Notices, n => n.IncidentId == dispatched.Id && n.Text.Contains($"missed by {first}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missed_accept_deadline_with_nobody_else_eligible_takes_the_case_back_to_wait()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "public-security");
        Assert.Equal(grid.Police.Id, dispatched.Assignee?.WorkerId);

        fixture.Advance(dispatched.AcceptDue!.Value - fixture.Time.GetUtcNow());
        var waiting = await fixture.IncidentWhen(dispatched.Id, v => v.Status == IncidentStatus.Registered);

        Assert.Null(waiting.Assignee);
        Assert.Equal(IncidentAction.Recall, waiting.Timeline[^1].Action);
    }

    [Fact]
    public async Task A_missed_resolve_deadline_escalates_through_every_level_each_on_time_and_listed_at_its_desk()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "noise");
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        await fixture.Incident(dispatched.Id).Accept(worker);
        var category = fixture.Catalog.Get("noise");
        var desks = new[]
        {
            new DeskRef(OrgLevel.Community, grid.CommunityId), new DeskRef(OrgLevel.Street, grid.StreetId),
            new DeskRef(OrgLevel.District, grid.DistrictId), new DeskRef(OrgLevel.City, TestCity.CityId),
        };

        var due = dispatched.ResolveDue!.Value;
        for (var level = 0; level < desks.Length; level++)
        {
            fixture.Advance(due - fixture.Time.GetUtcNow() - Tick);
            Assert.Equal(level, (await fixture.Incident(dispatched.Id).Get())!.Escalations.Count);

            fixture.Advance(Tick);
            var escalated = await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == level + 1);

            var step = escalated.Escalations[^1];
            Assert.Equal(desks[level], step.Desk);
            Assert.True(step.At - due <= TimeSpan.FromSeconds(1), $"escalation to {step.Desk} fired {step.At - due} late");
            Assert.Equal(IncidentAction.Escalate, escalated.Timeline[^1].Action);
            var listing = await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>(desks[level].Key).GetDesk(),
                d => d!.Escalated.Any(e => e.IncidentId == dispatched.Id), $"{desks[level]} to list the case");
            Assert.Equal(DeskRef.Grid(grid.Id), listing!.Escalated.Single(e => e.IncidentId == dispatched.Id).Tracker);

            due = escalated.NextEscalationDue ?? DateTimeOffset.MaxValue;
            if (desks[level].Level < OrgLevel.City)
            {
                Assert.Equal(step.At + fixture.Catalog.EscalationWindow(category.Urgency, desks[level].Level), due);
            }
        }

        // The city is the top: no more escalations, however long it takes.
        fixture.Advance(TimeSpan.FromDays(30));
        Assert.Equal(4, (await fixture.Incident(dispatched.Id).Get())!.Escalations.Count);
        var stats = await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Escalated >= 1, "the register to count the escalation");
        Assert.True(stats.Overdue >= 1);

        // Resolving takes it off every desk it was listed at.
        await fixture.Incident(dispatched.Id).Resolve(worker, "mediated");
        foreach (var desk in desks)
        {
            await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>(desk.Key).GetDesk(),
                d => d!.Escalated.All(e => e.IncidentId != dispatched.Id), $"{desk} to clear the case");
        }
    }

    [Fact]
    public async Task A_sign_for_limit_in_working_hours_waits_over_the_weekend_and_fires_on_monday_morning()
    {
        var grid = fixture.ClaimGrid();
        var china = TimeSpan.FromHours(8);
        var now = fixture.Time.GetUtcNow().ToOffset(china);
        var friday = now.Date.AddDays(1);
        while (friday.DayOfWeek != DayOfWeek.Friday)
        {
            friday = friday.AddDays(1);
        }

        fixture.Advance(new DateTimeOffset(friday.AddHours(16).AddMinutes(30), china) - now);
        var dispatched = await Delivered(grid, "sanitation");

        // Two working hours: the last hour of Friday and the first of Monday.
        var monday = new DateTimeOffset(friday.AddDays(3).AddHours(10), china);
        Assert.Equal(monday, dispatched.AcceptDue);
        fixture.Advance(monday - fixture.Time.GetUtcNow() - Tick);
        var waiting = await fixture.Incident(dispatched.Id).Get();
        Assert.Equal(dispatched.Version, waiting!.Version);

        fixture.Advance(Tick);
        var missed = await fixture.IncidentWhen(dispatched.Id, v => v.Version > dispatched.Version);
        Assert.Contains("accept deadline", missed.Timeline[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extension_asked_for_before_the_deadline_moves_it_when_approved_and_one_asked_for_after_is_refused()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "noise");
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        var incident = fixture.Incident(dispatched.Id);
        await incident.Accept(worker);
        var due = dispatched.ResolveDue!.Value;
        var later = due + TimeSpan.FromDays(2);

        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.RequestExtension(worker, due - TimeSpan.FromHours(1), "earlier?"));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.DecideExtension(Operator, approved: true, null));

        // Refused: the deadline stays.
        await incident.RequestExtension(worker, later, "the neighbours are away");
        var refused = await incident.DecideExtension(Operator, approved: false, "mediate by phone");
        Assert.Equal(due, refused.ResolveDue);
        Assert.Equal(1, refused.ExtensionsRefused);

        // Asked again and granted: the deadline moves, one pending request at a time.
        var asked = await incident.RequestExtension(worker, later, "mediation meeting on the weekend");
        Assert.Equal(later, asked.ExtensionAskedFor);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.RequestExtension(worker, later.AddDays(1), "and more"));
        var granted = await incident.DecideExtension(Operator, approved: true, null);
        Assert.Equal(later, granted.ResolveDue);
        Assert.Equal(1, granted.ExtensionsGranted);
        Assert.Null(granted.ExtensionAskedFor);

        // The old deadline passes quietly; the new one escalates.
        fixture.Advance(due - fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        Assert.Empty((await incident.Get())!.Escalations);
        fixture.Advance(later - fixture.Time.GetUtcNow());
        await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);

        // After the deadline it is too late to ask.
        var late = await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.RequestExtension(worker, later.AddDays(3), "still away"));
        Assert.Contains("before the deadline", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parked_case_stops_its_clocks_leaves_the_overdue_figures_and_comes_back_with_a_fresh_resolve_clock()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "property");
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        var incident = fixture.Incident(dispatched.Id);
        await incident.Accept(worker);
        var reviewOn = dispatched.ResolveDue!.Value.AddDays(60);

        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.Park(Operator, fixture.Time.GetUtcNow().AddHours(-1), "needs a budget"));
        var parked = await incident.Park(Operator, reviewOn, "the roof needs next year's budget");
        Assert.Equal(IncidentStatus.Parked, parked.Status);
        Assert.Equal(reviewOn, parked.ReviewOn);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Resolve(worker, "not yet"));

        // Long past the resolve deadline: not escalated, not overdue, listed as parked with its review date.
        fixture.Advance(dispatched.ResolveDue.Value - fixture.Time.GetUtcNow() + TimeSpan.FromDays(7));
        var stats = await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Parked == 1, "the register to count the parked case");
        Assert.Equal(0, stats.Overdue);
        Assert.Equal(1, stats.Open);
        Assert.Empty((await incident.Get())!.Escalations);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Equal(reviewOn, desk!.OpenCases.Single(c => c.IncidentId == dispatched.Id).ReviewOn);

        // Back in the flow: its handler has it, with a fresh resolve clock that escalates when missed.
        var back = await incident.Unpark(Operator, "budget approved");
        Assert.Equal(IncidentStatus.Accepted, back.Status);
        Assert.Equal(worker.Id, back.Assignee?.WorkerId);
        Assert.True(back.ResolveDue > fixture.Time.GetUtcNow());
        Assert.Equal(1, back.TimesParked);
        fixture.Advance(back.ResolveDue!.Value - fixture.Time.GetUtcNow());
        await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);
    }

    [Fact]
    public async Task A_resident_may_contest_a_closure_within_the_window_it_reopens_for_rework_counted()
    {
        var grid = fixture.ClaimGrid();
        var hotline = new ActorRef(ActorRole.Hotline, "follow-up");
        var first = await Closed(grid, building: 0);
        var second = await Closed(grid, building: 1);

        var reopened = await fixture.Incident(first.Id).Appeal(hotline, "the bins overflow again");
        Assert.Equal(IncidentStatus.Accepted, reopened.Status);
        Assert.Equal(first.Assignee, reopened.Assignee);
        Assert.Equal((1, 1), (reopened.Appeals, reopened.ReworkCount));
        Assert.Null(reopened.ClosedAt);
        Assert.True(reopened.ResolveDue > fixture.Time.GetUtcNow());
        await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.OpenCases.Any(c => c.IncidentId == first.Id && c.Status == IncidentStatus.Accepted), "the grid to hold the reopened case");

        // Seven days after the closure the window has closed.
        fixture.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var late = await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(second.Id).Appeal(hotline, "too late"));
        Assert.Contains("more than 7 days ago", late.Message, StringComparison.Ordinal);
        Assert.Equal(IncidentStatus.Rated, (await fixture.Incident(second.Id).Get())!.Status);
    }

    private async Task<IncidentView> Closed(TestGrid grid, int building)
    {
        var report = await fixture.ReportAt(grid, "sanitation", building);
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        var incident = fixture.Incident(report.Id);
        await incident.Accept(worker);
        await incident.Resolve(worker, "cleared");
        await incident.Verify(Operator, passed: true, null);
        await incident.Close(Operator, null);
        return await incident.Rate(new ActorRef(ActorRole.Hotline, "follow-up"), 2, "slow");
    }

    [Fact]
    public async Task A_desk_a_case_was_escalated_to_lists_it_again_after_a_failed_verification()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "noise");
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        await fixture.Incident(dispatched.Id).Accept(worker);
        var community = fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, grid.CommunityId).Key);

        fixture.Advance(dispatched.ResolveDue!.Value - fixture.Time.GetUtcNow());
        await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);
        await Eventually(() => community.GetDesk(), d => d!.Escalated.Any(e => e.IncidentId == dispatched.Id), "the community to list it");

        await fixture.Incident(dispatched.Id).Resolve(worker, "quiet now");
        await Eventually(() => community.GetDesk(), d => d!.Escalated.All(e => e.IncidentId != dispatched.Id), "the community to clear it");

        await fixture.Incident(dispatched.Id).Verify(ActorRef.Operator("checker"), passed: false, "still loud at night");
        await Eventually(() => community.GetDesk(), d => d!.Escalated.Any(e => e.IncidentId == dispatched.Id), "the community to list the rework");
    }

    [Fact]
    public async Task An_emergency_notifies_the_community_at_once_and_escalates_on_minute_scale_limits()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "emergency");
        Assert.Equal(grid.Police.Id, dispatched.Assignee?.WorkerId);
        var community = fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, grid.CommunityId).Key);
        await Eventually(() => community.GetDesk(), d => d!.Notices.Any(n => n.IncidentId == dispatched.Id), "the upward notice");

        await fixture.Incident(dispatched.Id).Accept(ActorRef.Worker(grid.Police.Id));
        fixture.Advance(TimeSpan.FromHours(1));
        var escalated = await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);
        Assert.Equal(escalated.Escalations[0].At + TimeSpan.FromMinutes(10), escalated.NextEscalationDue);
    }

    [Fact]
    public async Task A_department_that_does_not_sign_for_a_case_in_time_sees_it_go_up_to_the_district()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "gas-leak");
        Assert.Equal(DeskRef.Department("gas"), dispatched.Assignee?.Desk);

        fixture.Advance(TimeSpan.FromMinutes(5));
        var escalated = await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);

        Assert.Equal(new DeskRef(OrgLevel.District, grid.DistrictId), escalated.Escalations[0].Desk);
        var department = await fixture.Grains.GetGrain<IDeskGrain>("department:gas").GetDesk();
        Assert.Contains(department!.Notices, n => n.IncidentId == dispatched.Id && n.Text.Contains("accept deadline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deadlines_survive_deactivation_of_the_desk_and_fire_when_it_comes_back()
    {
        var grid = fixture.ClaimGrid();
        var dispatched = await Delivered(grid, "fire-lane");
        await fixture.Incident(dispatched.Id).Accept(ActorRef.Worker(dispatched.Assignee!.WorkerId!));
        var desk = fixture.Grains.GetGrain<IGridGrain>(grid.Id);
        await Eventually(() => desk.GetDesk(), d => d!.OpenCases.Single().Status == IncidentStatus.Accepted, "the desk to see the acceptance");

        await fixture.Cluster.DeactivateAsync(desk);
        fixture.Advance(dispatched.ResolveDue!.Value - fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(3));
        Assert.Empty((await fixture.Incident(dispatched.Id).Get())!.Escalations);

        // Any call — the desk's reminder, in production — brings the desk back with its deadlines.
        await desk.GetDesk();
        var escalated = await fixture.IncidentWhen(dispatched.Id, v => v.Escalations.Count == 1);
        Assert.Equal(new DeskRef(OrgLevel.Community, grid.CommunityId), escalated.Escalations[0].Desk);
    }

    [Fact]
    public async Task A_grid_holds_one_reminder_exactly_while_it_has_pending_deadlines()
    {
        var grid = fixture.ClaimGrid();
        var desk = fixture.Grains.GetGrain<IGridGrain>(grid.Id);
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Orleans.IReminderTable>();
        Assert.Empty((await reminders.ReadRows(desk.GetGrainId())).Reminders);

        var dispatched = await Delivered(grid, "noise");

        // The incident hears of its dispatch before the desk's turn ends with taking the reminder.
        var held = await Eventually(async () => (await reminders.ReadRows(desk.GetGrainId())).Reminders,
            r => r.Count > 0, "the desk to take its reminder");
        Assert.Equal(["deadlines"], held.Select(r => r.ReminderName));

        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        await fixture.Incident(dispatched.Id).Accept(worker);
        await fixture.Incident(dispatched.Id).Resolve(worker, "quiet again");
        await Eventually(async () => (await reminders.ReadRows(desk.GetGrainId())).Reminders.Count,
            count => count == 0, "the reminder to go once nothing is pending");
    }
}
