using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>
/// A case's stages — sign-for, first contact, resolve — and a parked case's review, each with its own
/// deadline and consequence, through the autumn of the shipped 2026 calendar: the make-up working
/// Sunday of 20 September, the Mid-Autumn holiday (25–27 September), National Day (1–7 October) and
/// the make-up working Saturday of 10 October. Working hours are 09:00–12:00 and 13:30–17:30.
/// The clock only moves forward, so the whole autumn is one walk through it.
/// </summary>
public sealed class StagesThroughHolidaysTests(StagesThroughHolidaysTests.Cluster fixture) : IClassFixture<StagesThroughHolidaysTests.Cluster>
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public sealed class Cluster() : DispatchClusterFixture(At(9, 18, 8));

    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, China);

    private void AdvanceTo(DateTimeOffset moment) => fixture.Advance(moment - fixture.Time.GetUtcNow());

    private async Task<(IncidentView Case, ActorRef Worker)> Accepted(TestGrid grid, int building)
    {
        var report = await fixture.ReportAt(grid, "sanitation", building);
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        var worker = ActorRef.Worker(dispatched.Assignee!.WorkerId!);
        await fixture.Incident(report.Id).Accept(worker);
        return (dispatched, worker);
    }

    [Fact]
    public async Task Each_stage_keeps_its_own_working_time_deadline_and_consequence_through_make_up_days_and_holidays()
    {
        var grid = fixture.ClaimGrid();
        var community = new DeskRef(OrgLevel.Community, grid.CommunityId);

        // Friday 18 September, 16:00. Sanitation: sign for within 2 working hours of dispatch, reach the
        // resident within 4 and resolve within 1 working day (7 hours) of registration. Sunday the 20th is worked.
        AdvanceTo(At(9, 18, 16));
        var (silent, silentWorker) = await Accepted(grid, building: 0);
        var (called, calledWorker) = await Accepted(grid, building: 1);
        Assert.Equal(At(9, 20, 9, 30), silent.AcceptDue);
        Assert.Equal(At(9, 20, 11, 30), silent.ContactDue);
        Assert.Equal(At(9, 20, 16), silent.ResolveDue);

        fixture.Advance(TimeSpan.FromHours(1));
        var reached = await fixture.Incident(called.Id).Contact(calledWorker, "called Resident Wang: bins cleared on Sunday morning");
        Assert.Equal(At(9, 18, 17), reached.ContactedAt);
        await Assert.ThrowsAsync<Errors.NotPermittedException>(() => fixture.Incident(silent.Id).Contact(ActorRef.Worker("W-of-another-grid"), "not my case"));

        // The first-contact deadline, on the make-up Sunday: a second before it nothing happens; at it
        // the community hears that nobody has reached the resident. The case stays with its worker.
        AdvanceTo(At(9, 20, 11, 30) - Tick);
        var before = await fixture.Incident(silent.Id).Get();
        Assert.False(before!.ContactMissed);
        fixture.Advance(Tick);
        var missed = await fixture.IncidentWhen(silent.Id, v => v.ContactMissed);
        Assert.Equal((IncidentStatus.Accepted, silentWorker.Id), (missed.Status, missed.Assignee?.WorkerId));
        Assert.Empty(missed.Escalations);
        var communityDesk = await fixture.Grains.GetGrain<IDeskGrain>(community.Key).GetDesk();
        Assert.Contains(communityDesk!.Notices, n => n.IncidentId == silent.Id && n.Text.Contains("first-contact deadline", StringComparison.Ordinal));
        Assert.False((await fixture.Incident(called.Id).Get())!.ContactMissed);

        // The resolve deadline, later the same Sunday: its own consequence, escalation to the community.
        AdvanceTo(At(9, 20, 16));
        await fixture.IncidentWhen(silent.Id, v => v.Escalations.Count == 1);

        // Thursday 24 September, 16:00, before the Mid-Autumn holiday: the contact clock waits for Monday.
        AdvanceTo(At(9, 24, 16));
        var (beforeHoliday, holidayWorker) = await Accepted(fixture.ClaimGrid(), building: 0);
        Assert.Equal(At(9, 28, 11, 30), beforeHoliday.ContactDue);
        Assert.Equal(At(9, 28, 16), beforeHoliday.ResolveDue);
        AdvanceTo(At(9, 28, 11));
        Assert.False((await fixture.Incident(beforeHoliday.Id).Get())!.ContactMissed);
        await fixture.Incident(beforeHoliday.Id).Contact(holidayWorker, "reached after the holiday");
        AdvanceTo(At(9, 28, 12));
        var contactedInTime = await fixture.Incident(beforeHoliday.Id).Get();
        Assert.False(contactedInTime!.ContactMissed);
        Assert.Equal(At(9, 28, 11), contactedInTime.ContactedAt);

        // The escalated case needs a budget: parked until the first working day after National Day.
        var parked = await fixture.Incident(silent.Id).Park(Operator, At(10, 8, 9), "the bin enclosure must be rebuilt: next quarter's budget");
        Assert.Equal(IncidentStatus.Parked, parked.Status);
        AdvanceTo(At(10, 8, 9) - Tick);
        var gridDesk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.DoesNotContain(gridDesk!.Notices, n => n.IncidentId == silent.Id && n.Text.Contains("review", StringComparison.Ordinal));
        // Its clocks stopped while parked: no further escalation over the holiday.
        Assert.Equal(parked.Escalations.Count, (await fixture.Incident(silent.Id).Get())!.Escalations.Count);

        // Its review date: the desk that holds it is told to review it, once.
        fixture.Advance(Tick);
        var due = await fixture.IncidentWhen(silent.Id, v => v.Timeline[^1].Action == IncidentAction.ReviewDue);
        Assert.Equal(IncidentStatus.Parked, due.Status);
        var reviews = await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.Notices.Any(n => n.IncidentId == silent.Id && n.Text.Contains("due for review", StringComparison.Ordinal)), "the grid to list the review");
        Assert.Single(reviews!.Notices, n => n.IncidentId == silent.Id && n.Text.Contains("due for review", StringComparison.Ordinal));

        // Parked again at its review, until the make-up Saturday: the same parking, reviewed again then.
        var again = await fixture.Incident(silent.Id).Park(Operator, At(10, 10, 10), "tender on Saturday");
        Assert.Equal((IncidentStatus.Parked, 1, At(10, 10, 10)), (again.Status, again.TimesParked, again.ReviewOn));
        AdvanceTo(At(10, 10, 10));
        await fixture.IncidentWhen(silent.Id, v => v.Timeline.Count(t => t.Action == IncidentAction.ReviewDue) == 2);

        var back = await fixture.Incident(silent.Id).Unpark(Operator, "budget approved");
        Assert.Equal((IncidentStatus.Accepted, silentWorker.Id), (back.Status, back.Assignee?.WorkerId));
        // A fresh working day to resolve, from the make-up Saturday 10:00: Monday the 12th at 10:00.
        Assert.Equal(At(10, 12, 10), back.ResolveDue);
    }
}
