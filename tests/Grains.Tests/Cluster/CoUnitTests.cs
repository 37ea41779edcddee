using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>A case that spans departments: the holder leads (主办), co-units report their parts (协办), the lead closes.</summary>
public sealed class CoUnitTests(CoUnitTests.Cluster fixture) : IClassFixture<CoUnitTests.Cluster>
{
    /// <summary>These tests move the domain clock, so they have a cluster of their own.</summary>
    public sealed class Cluster : DispatchClusterFixture;

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");
    private static readonly ActorRef StallsDesk = ActorRef.Operator("urban-management-desk");
    private static readonly ActorRef WelfareDesk = ActorRef.Operator("civil-affairs-desk");
    private static readonly DeskRef Municipal = DeskRef.Department("municipal");

    /// <summary>A broken facility, owned by the municipal department, signed for by it.</summary>
    private async Task<IncidentView> AcceptedByMunicipal()
    {
        var report = await fixture.ReportAt(fixture.ClaimGrid(), "municipal-facility");
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(Municipal, dispatched.Assignee?.Desk);
        return await fixture.Incident(report.Id).Accept(Operator);
    }

    [Fact]
    public async Task The_lead_cannot_resolve_until_every_co_unit_has_reported_its_part_then_it_resolves_and_the_case_closes()
    {
        var accepted = await AcceptedByMunicipal();
        var incident = fixture.Incident(accepted.Id);

        var unknown = await Assert.ThrowsAsync<ValidationFailedException>(() => incident.AddCoUnits(Operator, ["urban-management", "water-works"], "clear the stalls"));
        Assert.Equal("departments", unknown.Field);
        Assert.Contains("water-works", unknown.Message, StringComparison.Ordinal);
        var lead = await Assert.ThrowsAsync<ValidationFailedException>(() => incident.AddCoUnits(Operator, ["municipal"], "help"));
        Assert.Contains("lead", lead.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.AddCoUnits(Operator, ["civil-affairs"], " "));
        Assert.Equal(accepted.Version, (await incident.Get())!.Version);

        var named = await incident.AddCoUnits(Operator, ["urban-management", "civil-affairs"], "clear the stalls blocking the repair; rehouse the tenant");
        Assert.Equal(Municipal, named.Tracker);
        Assert.Equal(IncidentStatus.Accepted, named.Status);
        Assert.Equal(["urban-management", "civil-affairs"], named.CoUnits.Select(p => p.Department));
        Assert.All(named.CoUnits, p => Assert.Equal(CoUnitPartStatus.Outstanding, p.Status));
        var again = await Assert.ThrowsAsync<ValidationFailedException>(() => incident.AddCoUnits(Operator, ["civil-affairs"], "again"));
        Assert.Contains("already a co-unit", again.Message, StringComparison.Ordinal);

        // Each co-unit's desk is told to report its part.
        await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>("department:civil-affairs").GetDesk(),
            d => d!.Notices.Any(n => n.IncidentId == accepted.Id && n.Text.StartsWith("co-unit: report your part", StringComparison.Ordinal)), "the co-unit's notice");

        var toCoUnit = await Assert.ThrowsAsync<ValidationFailedException>(() => incident.Route(Operator, "department:civil-affairs", "theirs after all"));
        Assert.Equal("to", toCoUnit.Field);

        var refused = await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Resolve(Operator, "pipe replaced"));
        Assert.Contains("urban-management, civil-affairs", refused.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<NotPermittedException>(() => incident.ReportPart(Operator, "police", "not asked"));
        await Assert.ThrowsAsync<NotPermittedException>(() => incident.ReportPart(ActorRef.Worker("W1"), "urban-management", "done"));
        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.ReportPart(StallsDesk, "urban-management", ""));
        await incident.ReportPart(StallsDesk, "urban-management", "stalls moved to the market lot");
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.ReportPart(StallsDesk, "urban-management", "twice"));

        refused = await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Resolve(Operator, "pipe replaced"));
        Assert.Contains("(civil-affairs)", refused.Message, StringComparison.Ordinal);

        await incident.ReportPart(WelfareDesk, "civil-affairs", "tenant housed at the community centre");
        var resolved = await incident.Resolve(Operator, "pipe replaced");
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(
            [("urban-management", CoUnitPartStatus.Reported, "stalls moved to the market lot", "operator:urban-management-desk"),
                ("civil-affairs", CoUnitPartStatus.Reported, "tenant housed at the community centre", "operator:civil-affairs-desk")],
            resolved.CoUnits.Select(p => (p.Department, p.Status, p.Result, p.ReportedBy)));
        Assert.All(resolved.CoUnits, p => Assert.NotNull(p.ReportedAt));

        await incident.Verify(Operator, passed: true, null);
        var closed = await incident.Close(Operator, null);
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.AddCoUnits(Operator, ["police"], "too late"));

        // The lead's desk saw each part come in.
        var municipal = await fixture.Grains.GetGrain<IDeskGrain>(Municipal.Key).GetDesk();
        Assert.Equal(2, municipal!.Notices.Count(n => n.IncidentId == accepted.Id && n.Text.StartsWith("part of co-unit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_co_unit_that_hands_its_part_back_is_no_longer_waited_for()
    {
        var accepted = await AcceptedByMunicipal();
        var incident = fixture.Incident(accepted.Id);
        await incident.AddCoUnits(Operator, ["police"], "keep the crowd back");

        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.HandBackPart(Operator, "police", ""));
        var handedBack = await incident.HandBackPart(Operator, "police", "no public order issue at the site");
        Assert.Equal(CoUnitPartStatus.HandedBack, handedBack.CoUnits.Single().Status);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.ReportPart(Operator, "police", "after all"));

        Assert.Equal(IncidentStatus.Resolved, (await incident.Resolve(Operator, "repaired")).Status);
    }

    [Fact]
    public async Task A_part_deadline_counts_working_time_over_the_weekend_and_when_missed_gives_the_lead_s_desk_a_notice_once()
    {
        var accepted = await AcceptedByMunicipal();
        var incident = fixture.Incident(accepted.Id);

        // Named on a Friday half an hour before the close of work: five working days (the category's
        // resolve limit) are the last hour of that Friday, Monday to Thursday, and six hours of the next Friday.
        var now = fixture.Time.GetUtcNow().ToOffset(China);
        var friday = now.Date.AddDays(1);
        while (friday.DayOfWeek != DayOfWeek.Friday)
        {
            friday = friday.AddDays(1);
        }

        fixture.Advance(new DateTimeOffset(friday.AddHours(16).AddMinutes(30), China) - now);
        var named = await incident.AddCoUnits(Operator, ["civil-affairs"], "rehouse the tenant");
        var due = named.CoUnits.Single().Due;
        Assert.Equal(new DateTimeOffset(friday.AddDays(7).AddHours(16).AddMinutes(30), China), due);

        fixture.Advance(due - fixture.Time.GetUtcNow() - Tick);
        var before = await incident.Get();
        Assert.DoesNotContain(before!.Timeline, t => t.Action == IncidentAction.PartOverdue);

        fixture.Advance(Tick);
        var missed = await fixture.IncidentWhen(accepted.Id, v => v.CoUnits.Single().Overdue);
        var line = Assert.Single(missed.Timeline, t => t.Action == IncidentAction.PartOverdue);
        Assert.Equal("system:clock", line.Actor);
        Assert.Contains("civil-affairs missed its part deadline", line.Reason, StringComparison.Ordinal);
        Assert.Equal(CoUnitPartStatus.Outstanding, missed.CoUnits.Single().Status);
        await Eventually(() => fixture.Grains.GetGrain<IDeskGrain>(Municipal.Key).GetDesk(),
            d => d!.Notices.Any(n => n.IncidentId == accepted.Id && n.Text.Contains("missed its part deadline", StringComparison.Ordinal)), "the lead's notice");

        // Noticed once: a day later there is still one such line, and the lead still waits for the part.
        fixture.Advance(TimeSpan.FromDays(1));
        var later = await incident.Get();
        Assert.Single(later!.Timeline, t => t.Action == IncidentAction.PartOverdue);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Resolve(Operator, "repaired"));
    }
}
