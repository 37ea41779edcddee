using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

public sealed class LifecycleTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");

    [Fact]
    public async Task A_report_lives_from_registration_to_rating_with_every_step_on_its_timeline()
    {
        var grid = fixture.ClaimGrid();
        var worker = ActorRef.Worker(grid.GridWorker.Id);

        var registered = await fixture.ReportAt(grid, "sanitation");
        Assert.Equal(IncidentStatus.Registered, registered.Status);
        Assert.Equal(DeskRef.Grid(grid.Id), registered.Tracker);

        var dispatched = await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(grid.GridWorker.Id, dispatched.Assignee?.WorkerId);

        var incident = fixture.Incident(registered.Id);
        await incident.Accept(worker);
        await incident.AddNote(worker, "on site, bins overflowing");
        await incident.Resolve(worker, "bins emptied, area swept");
        await incident.Verify(Operator, passed: true, "photo checked");
        await incident.Close(Operator, null);
        var rated = await incident.Rate(new ActorRef(ActorRole.Hotline, "follow-up"), 5, "quick");

        Assert.Equal(IncidentStatus.Rated, rated.Status);
        Assert.Equal(5, rated.Rating);
        Assert.True(rated.ResolvedOnTime);
        Assert.Equal(
            [IncidentAction.Report, IncidentAction.Register, IncidentAction.Dispatch, IncidentAction.Accept, IncidentAction.Note,
             IncidentAction.Resolve, IncidentAction.Verify, IncidentAction.Close, IncidentAction.Rate],
            rated.Timeline.Select(t => t.Action));
        Assert.All(rated.Timeline, t => Assert.False(string.IsNullOrEmpty(t.Actor)));
        Assert.Equal($"worker:{grid.GridWorker.Id}", rated.Timeline[3].Actor);

        var stats = await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)),
            s => s.Rated == 1, "grid statistics with the rating");
        Assert.Equal(0, stats.Open);
        Assert.Equal(1, stats.Closed);
        Assert.Equal(1.0, stats.OnTimeRate);
        Assert.Equal(5.0, stats.MeanRating);
        Assert.NotNull(stats.MeanTimeToAccept);
    }

    [Fact]
    public async Task An_illegal_transition_is_refused_with_a_clear_error_and_changes_nothing()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "sanitation");
        var before = await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);
        var incident = fixture.Incident(registered.Id);

        var closing = await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Close(Operator, "done?"));
        Assert.Contains("Dispatched", closing.Message);
        Assert.Contains("Close", closing.Message);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Resolve(Operator, "fixed"));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => incident.Rate(Operator, 4, null));

        var after = await incident.Get();
        Assert.Equal(before.Version, after!.Version);
        Assert.Equal(before.Timeline.Count, after.Timeline.Count);
        Assert.Equal(IncidentStatus.Dispatched, after.Status);
    }

    [Fact]
    public async Task A_worker_may_act_only_on_cases_assigned_to_them()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "sanitation");
        await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);

        var stranger = ActorRef.Worker(grid.Police.Id);
        await Assert.ThrowsAsync<NotPermittedException>(() => fixture.Incident(registered.Id).Accept(stranger));
        await Assert.ThrowsAsync<NotPermittedException>(() => fixture.Incident(registered.Id).Reject(stranger, "not mine"));

        var unchanged = await fixture.Incident(registered.Id).Get();
        Assert.Equal(IncidentStatus.Dispatched, unchanged!.Status);
    }

    [Fact]
    public async Task Bad_input_to_an_action_is_refused_naming_the_field()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "sanitation");
        await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);
        var worker = ActorRef.Worker(grid.GridWorker.Id);

        var reject = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(registered.Id).Reject(worker, "  "));
        Assert.Equal("reason", reject.Field);
        var rate = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(registered.Id).Rate(Operator, 9, null));
        Assert.Equal("score", rate.Field);
        await Assert.ThrowsAsync<NotFoundException>(() => fixture.Incident("20261123-0000000000ZZ").Accept(worker));
    }

    [Fact]
    public async Task A_failed_verification_reopens_the_case_for_rework_with_a_fresh_resolve_clock()
    {
        var grid = fixture.ClaimGrid();
        var worker = ActorRef.Worker(grid.GridWorker.Id);
        var registered = await fixture.ReportAt(grid, "sanitation");
        await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);
        var incident = fixture.Incident(registered.Id);
        await incident.Accept(worker);
        await incident.Resolve(worker, "swept");

        var reopened = await incident.Verify(Operator, passed: false, "still dirty behind building 2");

        Assert.Equal(IncidentStatus.Accepted, reopened.Status);
        Assert.Equal(1, reopened.ReworkCount);
        Assert.Equal(grid.GridWorker.Id, reopened.Assignee?.WorkerId);
        Assert.Equal(IncidentAction.FailVerification, reopened.Timeline[^1].Action);
        Assert.Equal("still dirty behind building 2", reopened.Timeline[^1].Reason);
        await Assert.ThrowsAsync<ValidationFailedException>(() => incident.Verify(Operator, passed: false, null));
    }

    [Fact]
    public async Task Cancelling_ends_the_case_and_takes_it_off_the_desk()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "noise");
        await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);

        var cancelled = await fixture.Incident(registered.Id).Cancel(Operator, "reporter withdrew the complaint");

        Assert.Equal(IncidentStatus.Cancelled, cancelled.Status);
        var desk = await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.OpenCases.All(c => c.IncidentId != registered.Id), "the desk to drop the cancelled case");
        Assert.All(desk!.Roster, r => Assert.Equal(0, r.OpenLoad));
        await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Cancelled == 1, "the register to count the cancellation");
    }

    [Fact]
    public async Task Supervision_notes_are_recorded_on_the_timeline()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "property");
        var supervised = await fixture.Incident(registered.Id).Supervise(ActorRef.Operator("street-supervisor"), "督办: please close within today");

        Assert.Equal(IncidentAction.Supervise, supervised.Timeline[^1].Action);
        Assert.Equal("operator:street-supervisor", supervised.Timeline[^1].Actor);
        Assert.Contains("督办", supervised.Timeline[^1].Reason);
    }

    [Fact]
    public async Task Statistics_of_an_area_count_every_case_located_in_it_and_a_department_its_own()
    {
        var grid = fixture.ClaimGrid();
        var sanitation = await fixture.ReportAt(grid, "sanitation", building: 0);
        var noise = await fixture.ReportAt(grid, "noise", building: 1);
        var gas = await fixture.ReportAt(grid, "gas-leak", building: 0);
        foreach (var id in new[] { sanitation.Id, noise.Id, gas.Id })
        {
            await fixture.IncidentWhen(id, v => v.Delivered);
        }

        // The gas department owns its case, but the case is in the grid: both count it.
        var gridStats = await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Open == 3, "the grid's three open cases");
        Assert.Equal(3, gridStats.Open);
        Assert.True((await fixture.Statistics(DeskRef.Department("gas"))).Open >= 1);

        // Every point of a community lies in one of its grids, and the district is its two streets:
        // those roll up exactly. A street also holds land outside its communities.
        async Task<bool> RollsUp()
        {
            var grids = await Sum(TestCity.Grids.Where(g => g.CommunityId == grid.CommunityId).Select(g => DeskRef.Grid(g.Id)));
            var community = await fixture.Statistics(new DeskRef(OrgLevel.Community, grid.CommunityId));
            var streets = await Sum(TestCity.Areas.Where(a => a.Level == OrgLevel.Street).Select(a => new DeskRef(OrgLevel.Street, a.Id)));
            var district = await fixture.Statistics(new DeskRef(OrgLevel.District, grid.DistrictId));
            var street = await fixture.Statistics(new DeskRef(OrgLevel.Street, grid.StreetId));
            var city = await fixture.Statistics(new DeskRef(OrgLevel.City, TestCity.CityId));
            return grids == community && streets == district && street.Open >= community.Open && city.Open >= district.Open;
        }

        Assert.True(await Eventually(RollsUp, ok => ok, "the figures to roll up"));

        // The city counts every open case of the register, department cases included.
        var city = await fixture.Statistics(new DeskRef(OrgLevel.City, TestCity.CityId));
        var open = await OpenInRegister();
        Assert.Equal(open, city.Open);
    }

    private async Task<CaseStatistics> Sum(IEnumerable<DeskRef> desks) =>
        (await Task.WhenAll(desks.Select(fixture.Statistics))).Aggregate(CaseStatistics.Empty, (a, b) => a.Add(b));

    private async Task<int> OpenInRegister()
    {
        var query = new IncidentQuery
        {
            From = DispatchClusterFixture.Start.AddDays(-1),
            To = fixture.Time.GetUtcNow().AddDays(1),
            Statuses = [.. Enum.GetValues<IncidentStatus>().Where(s => s.IsOpen())],
            Limit = IncidentRegister.MaxLimit,
        };
        var count = 0;
        for (var page = await fixture.Grains.GetGrain<IIncidentSearchGrain>(0).Search(query); ; )
        {
            count += page.Items.Count;
            if (page.Next is null)
            {
                return count;
            }

            page = await fixture.Grains.GetGrain<IIncidentSearchGrain>(0).Search(query with { After = page.Next });
        }
    }
}
