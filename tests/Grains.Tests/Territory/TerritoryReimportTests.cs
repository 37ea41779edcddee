using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using Dispatch.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static Dispatch.Tests.Support.TerritoryFiles;

namespace Dispatch.Tests.Territory;

/// <summary>
/// Importing a city's files into a running cluster, and importing them again changed: grids split
/// and merged, the open cases of the grids that are gone moved to the grids that now hold them.
/// </summary>
public sealed class TerritoryReimportTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    private static readonly string[] NestedGrids =
        [.. Enumerable.Range(1, 3).SelectMany(c => Enumerable.Range(1, 4).Select(g => $"TS-{c}-{g}"))];

    private TerritoryImporter Importer => new(fixture.Grains, fixture.Catalog, NullLoggerFactory.Instance);

    private ITerritoryGrain Territory => fixture.Grains.GetGrain<ITerritoryGrain>(TestCity.CityId);

    private Task<TerritoryImportResult> Import(params ImportFile[] files) =>
        Importer.ImportAsync(TestCity.CityId, new TerritoryImportRequest(files, "Import City"));

    /// <summary>Version 1 of the city: the nested layer, a worker per grid, a building in TS-2-1.</summary>
    private Task<TerritoryImportResult> ImportFirstVersion() => Import(
        Nested(),
        Workers(NestedGrids),
        Csv("buildings.csv", "id,grid,address,households", "B-2-1,TS-2-1,1 Merge Lane,90"));

    /// <summary>
    /// Version 2: TS-3-3 split into a lower TS-3-3a and an upper TS-3-3b; TS-2-1 and TS-2-2 merged into TS-2-12.
    /// </summary>
    private Task<TerritoryImportResult> ImportSecondVersion()
    {
        var (x0, y0, x1, y1) = GridRect(3, 3);
        var (mx0, my0, _, _) = GridRect(2, 1);
        var (_, _, mx1, my1) = GridRect(2, 2);
        var middle = (y0 + y1) / 2;
        return Import(
            Nested((c, g) => !(c == 3 && g == 3) && !(c == 2 && g is 1 or 2),
            [
                Feature(Rect(x0, y0, x1, middle), ("code", "TS-3-3a"), ("level", "grid")),
                Feature(Rect(x0, middle, x1, y1), ("code", "TS-3-3b"), ("level", "grid")),
                Feature(Rect(mx0, my0, mx1, my1), ("code", "TS-2-12"), ("level", "grid")),
            ]),
            Workers("TS-3-3a", "TS-3-3b", "TS-2-12"));
    }

    private Task<IncidentView> ReportAt(double longitude, double latitude, string category) =>
        fixture.Report(category, new ReportedLocation(null, longitude, latitude, null));

    [Fact]
    public async Task A_split_and_a_merge_move_the_open_cases_of_the_grids_that_are_gone()
    {
        var first = await ImportFirstVersion();
        Assert.Equal(12, first.Summary!.Grids);
        Assert.Equal(1, first.Summary.Streets);
        Assert.Equal(12, first.Workers);

        var (x0, y0, x1, y1) = GridRect(3, 3);
        var lower = await ReportAt((x0 + x1) / 2, y0 + ((y1 - y0) / 4), "sanitation");
        var upper = await ReportAt((x0 + x1) / 2, y1 - ((y1 - y0) / 4), "property");
        var merged = await fixture.Report("sanitation", new ReportedLocation("B-2-1", null, null, null));
        await fixture.IncidentWhen(lower.Id, v => v.Assignee?.WorkerId == "W-TS-3-3");
        await fixture.IncidentWhen(merged.Id, v => v.Assignee?.WorkerId == "W-TS-2-1");
        await fixture.IncidentWhen(upper.Id, v => v.Assignee?.WorkerId == "W-TS-3-3");
        await fixture.Incident(upper.Id).Accept(ActorRef.Worker("W-TS-3-3"));

        var second = await ImportSecondVersion();

        Assert.Equal(first.Summary.Version + 1, second.Summary!.Version);
        Assert.Equal(["TS-2-1", "TS-2-2", "TS-3-3"], second.RemovedGrids);
        Assert.Equal(3, second.MovedCases);

        // Not yet accepted: back to the queue of the grid that now holds the place, and dispatched there.
        var lowerMoved = await fixture.IncidentWhen(lower.Id, v => v.Assignee?.WorkerId == "W-TS-3-3a");
        Assert.Equal(DeskRef.Grid("TS-3-3a"), lowerMoved.Tracker);
        Assert.Equal("TS-3-3a", lowerMoved.Placement.Path.GridId);
        Assert.Equal(IncidentStatus.Dispatched, lowerMoved.Status);
        var move = Assert.Single(lowerMoved.Timeline, t => t.Action == IncidentAction.Move);
        Assert.Contains("from grid:TS-3-3 to grid:TS-3-3a", move.Reason);
        Assert.Equal(IncidentStatus.Registered, move.To);

        // Accepted: keeps its worker and status; the new grid follows its deadlines.
        var upperMoved = await fixture.IncidentWhen(upper.Id, v => v.Tracker == DeskRef.Grid("TS-3-3b"));
        Assert.Equal(IncidentStatus.Accepted, upperMoved.Status);
        Assert.Equal("W-TS-3-3", upperMoved.Assignee?.WorkerId);
        Assert.Contains(upperMoved.Timeline, t => t.Action == IncidentAction.Move);

        var mergedMoved = await fixture.IncidentWhen(merged.Id, v => v.Assignee?.WorkerId == "W-TS-2-12");
        Assert.Equal("TS-2-12", mergedMoved.Placement.Path.GridId);

        // On both desks: the old one says where each case went, the new one where it came from.
        var oldDesk = await fixture.Grains.GetGrain<IGridGrain>("TS-3-3").GetDesk();
        Assert.Equal(second.Summary.Version, oldDesk!.RetiredAt);
        Assert.Empty(oldDesk.OpenCases);
        Assert.Contains(oldDesk.Notices, n => n.IncidentId == lower.Id && n.Text.Contains("moving to grid:TS-3-3a"));
        Assert.Contains(oldDesk.Notices, n => n.IncidentId == upper.Id && n.Text.Contains("moving to grid:TS-3-3b"));
        var newDesk = await fixture.Grains.GetGrain<IGridGrain>("TS-3-3b").GetDesk();
        Assert.Contains(newDesk!.OpenCases, c => c.IncidentId == upper.Id);
        Assert.Contains(newDesk.Notices, n => n.IncidentId == upper.Id && n.Text.StartsWith("moved: from grid:TS-3-3 to grid:TS-3-3b"));

        // The building's record still names TS-2-1 (no buildings file came with version 2): a report
        // there reaches the retired desk, which moves it on.
        var late = await fixture.Report("property", new ReportedLocation("B-2-1", null, null, null));
        var lateMoved = await fixture.IncidentWhen(late.Id, v => v.Assignee?.WorkerId == "W-TS-2-12");
        Assert.Equal(DeskRef.Grid("TS-2-12"), lateMoved.Tracker);

        Assert.Equal("TS-3-3a", (await Territory.Locate((x0 + x1) / 2, y0 + ((y1 - y0) / 4))).GridId);
        Assert.Null(await Territory.GetGrid("TS-3-3"));
    }

    [Fact]
    public async Task A_grid_desk_shows_the_place_the_map_gives_it_and_opens_again_when_the_grid_comes_back()
    {
        await ImportFirstVersion();
        var second = await ImportSecondVersion();

        // Gone from the map: the desk shows the place it had, and when it was retired.
        var retired = await fixture.Grains.GetGrain<IGridGrain>("TS-3-3").GetDesk();
        Assert.Equal(second.Summary!.Version, retired!.RetiredAt);
        Assert.Equal("TS-3", retired.Path.CommunityId);
        var split = await fixture.Grains.GetGrain<IGridGrain>("TS-3-3a").GetDesk();
        Assert.Null(split!.RetiredAt);
        Assert.Equal(new TerritoryPath(TestCity.CityId, split.Path.DistrictId, "TS", "TS-3", "TS-3-3a"), split.Path);

        // The first version again: TS-3-3 is back and takes reports; the halves are retired.
        var third = await ImportFirstVersion();
        Assert.Contains("TS-3-3a", third.RemovedGrids);
        var back = await fixture.Grains.GetGrain<IGridGrain>("TS-3-3").GetDesk();
        Assert.Null(back!.RetiredAt);
        var (lon, lat) = Centre(GridRect(3, 3));
        var report = await ReportAt(lon, lat, "sanitation");
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Assignee?.WorkerId == "W-TS-3-3");
        Assert.Equal(DeskRef.Grid("TS-3-3"), dispatched.Tracker);
        Assert.DoesNotContain(dispatched.Timeline, t => t.Action == IncidentAction.Move);
        Assert.Equal(third.Summary!.Version, (await fixture.Grains.GetGrain<IGridGrain>("TS-3-3a").GetDesk())!.RetiredAt);
    }

    [Fact]
    public async Task A_refused_import_changes_nothing()
    {
        await ImportFirstVersion();
        var before = await Territory.GetSummary();
        var (lon, lat) = Centre(GridRect(1, 2));

        var overlapping = Nested(extra: [Feature(Rect(West, South, West + 0.05, South + 0.05), ("code", "TS-1-9"), ("level", "grid"))]);
        var refused = await Assert.ThrowsAsync<TerritoryImportException>(() => Import(overlapping, Workers("TS-1-1")));

        Assert.Contains(refused.Problems, p => p.What.Contains("overlaps grid"));
        Assert.Equal(before, await Territory.GetSummary());
        Assert.Equal("TS-1-2", (await Territory.Locate(lon, lat)).GridId);
    }

    [Fact]
    public async Task A_flat_layer_replaces_the_map_and_buildings_find_their_grid_by_point()
    {
        var result = await Import(Flat71(), Csv("buildings.csv", "id,longitude,latitude,address,households", "FB-1,2.015,48.815,1 Rue Plate,40"));

        Assert.Equal(71, result.Summary!.Grids);
        Assert.Equal(1, result.Summary.Communities);
        Assert.Equal(1, result.Buildings);
        var building = await fixture.Grains.GetGrain<IBuildingGrain>("FB-1").Get();
        Assert.Equal("111", building!.Building.GridId);
        Assert.Equal(new TerritoryPath(TestCity.CityId, "test.district", "test.district.street", "test.district.street.community", "111"), building.Path);
    }

    [Fact]
    public async Task A_community_that_is_gone_moves_its_cases_to_the_community_that_holds_them_now()
    {
        await ImportFirstVersion();
        var (lon, lat) = Centre(CommunityRect(2));
        // Owned by the community desk by the access list.
        var owned = await ReportAt(lon, lat, "social-assistance");
        await fixture.IncidentWhen(owned.Id, v => v.Tracker == new DeskRef(OrgLevel.Community, "TS-2") && v.Status == IncidentStatus.Dispatched);

        // The three communities become one, TS-X, whose grids are the old communities' outlines.
        var whole = CommunityRect(1) with { X1 = CommunityRect(3).X1 };
        var merged = await Import(
            File("merged.geojson", Collection(
            [
                Feature(Rect(whole.X0, whole.Y0, whole.X1, whole.Y1), ("code", "TS"), ("name", "Test Street"), ("level", "street")),
                Feature(Rect(whole.X0, whole.Y0, whole.X1, whole.Y1), ("code", "TS-X"), ("name", "Community X"), ("level", "community")),
                .. Enumerable.Range(1, 3).Select(c =>
                {
                    var r = CommunityRect(c);
                    return Feature(Rect(r.X0, r.Y0, r.X1, r.Y1), ("code", $"TS-X-{c}"), ("level", "grid"));
                }),
            ])),
            Workers("TS-X-1", "TS-X-2", "TS-X-3"));

        Assert.Equal(
            [new DeskRef(OrgLevel.Community, "TS-1"), new DeskRef(OrgLevel.Community, "TS-2"), new DeskRef(OrgLevel.Community, "TS-3")],
            merged.RemovedAreas.Select(DeskRef.Parse));
        Assert.True(merged.MovedCases >= 1);
        var moved = await fixture.IncidentWhen(owned.Id, v => v.Tracker == new DeskRef(OrgLevel.Community, "TS-X"));
        Assert.Contains(moved.Timeline, t => t.Action == IncidentAction.Move && t.Reason!.Contains("from community:TS-2 to community:TS-X"));

        var old = await fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, "TS-2").Key).GetDesk();
        Assert.Equal(merged.Summary!.Version, old!.RetiredAt);
        Assert.Empty(old.OwnedCases);
        // The move is in the journal at once; the new desk takes the case in when its delivery arrives.
        var now = await Dispatch.Testing.Polling.Eventually(
            () => fixture.Grains.GetGrain<IDeskGrain>(new DeskRef(OrgLevel.Community, "TS-X").Key).GetDesk(),
            d => d!.OwnedCases.Any(c => c.IncidentId == owned.Id), "community:TS-X to hold the moved case");
        Assert.Contains(now!.OwnedCases, c => c.IncidentId == owned.Id);
    }

    [Fact]
    public async Task A_worker_moved_to_another_grid_leaves_the_old_roster_and_keeps_what_they_accepted()
    {
        await ImportFirstVersion();
        var (lon, lat) = Centre(GridRect(1, 1));
        var accepted = await ReportAt(lon, lat, "sanitation");
        await fixture.IncidentWhen(accepted.Id, v => v.Assignee?.WorkerId == "W-TS-1-1");
        await fixture.Incident(accepted.Id).Accept(ActorRef.Worker("W-TS-1-1"));
        var waiting = await ReportAt(lon, lat, "property");
        await fixture.IncidentWhen(waiting.Id, v => v.Assignee?.WorkerId == "W-TS-1-1" && v.Status == IncidentStatus.Dispatched);

        await Import(Csv("workers.csv", "id,grid,role,skills,on duty", "W-TS-1-1,TS-1-2,grid_worker,sanitation;property,yes"));

        var oldGrid = await fixture.Grains.GetGrain<IGridGrain>("TS-1-1").GetDesk();
        Assert.DoesNotContain(oldGrid!.Roster, r => r.Worker.Id == "W-TS-1-1");
        var newGrid = await fixture.Grains.GetGrain<IGridGrain>("TS-1-2").GetDesk();
        Assert.Contains(newGrid!.Roster, r => r.Worker.Id == "W-TS-1-1");

        // Not accepted: handed on (nobody else on TS-1-1 has the skill, so it waits there).
        var handedOn = await fixture.IncidentWhen(waiting.Id, v => v.Status == IncidentStatus.Registered);
        Assert.Null(handedOn.Assignee);
        Assert.Contains(handedOn.Timeline, t => t.Reason!.Contains("W-TS-1-1 moved to grid TS-1-2"));
        var stillTheirs = await fixture.Incident(accepted.Id).Get();
        Assert.Equal("W-TS-1-1", stillTheirs!.Assignee?.WorkerId);

        var worker = await fixture.Grains.GetGrain<Dispatch.Workforce.IWorkerGrain>("W-TS-1-1").Get();
        Assert.Equal("TS-1-2", worker!.Profile.GridId);
        Assert.Contains(worker.Assignments, a => a.IncidentId == accepted.Id);
    }

    [Fact]
    public async Task A_second_import_while_one_holds_the_map_is_refused_and_changes_nothing()
    {
        await ImportFirstVersion();
        var before = await Territory.GetSummary();
        await Territory.HoldImport("someone-else");
        try
        {
            var refused = await Assert.ThrowsAsync<Dispatch.Errors.ConcurrentChangeException>(() => Import(Flat71()));
            Assert.Contains("Another territory import", refused.Message);
            await Assert.ThrowsAsync<Dispatch.Errors.ConcurrentChangeException>(() => Territory.ImportGrids([], "not-the-holder"));
            Assert.Equal(before, await Territory.GetSummary());
        }
        finally
        {
            await Territory.ReleaseImport("someone-else");
        }

        Assert.Equal(71, (await Import(Flat71())).Summary!.Grids);
    }
}
