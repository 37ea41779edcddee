using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

public sealed class IntakeTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    [Fact]
    public async Task A_report_located_by_building_goes_to_the_building_s_grid()
    {
        var grid = fixture.ClaimGrid();
        var report = await fixture.ReportAt(grid, "sanitation", building: 1);

        Assert.Equal(PlacementMethod.Building, report.Placement.Method);
        Assert.Equal(grid.Buildings[1].Id, report.Placement.BuildingId);
        Assert.Equal(new TerritoryPath(TestCity.CityId, grid.DistrictId, grid.StreetId, grid.CommunityId, grid.Id), report.Placement.Path);
        Assert.True((await fixture.IncidentWhen(report.Id, v => v.Delivered)).Delivered);
    }

    [Fact]
    public async Task A_report_located_by_coordinates_goes_to_the_grid_whose_polygon_holds_the_point()
    {
        var grid = fixture.ClaimGrid();
        var (lon, lat) = grid.Inside;
        var report = await fixture.Report("noise", new ReportedLocation(null, lon, lat, null));

        Assert.Equal(PlacementMethod.Coordinates, report.Placement.Method);
        Assert.Equal(grid.Id, report.Placement.Path.GridId);
        Assert.Null(report.Placement.BuildingId);
        Assert.Equal(DeskRef.Grid(grid.Id), report.Tracker);
    }

    [Fact]
    public async Task A_report_located_by_address_goes_through_the_address_book_to_its_building()
    {
        var grid = fixture.ClaimGrid();
        var address = grid.Buildings[0].Address.ToUpperInvariant().Replace(",", "  ", StringComparison.Ordinal);
        var report = await fixture.Report("property", new ReportedLocation(null, null, null, address));

        Assert.Equal(PlacementMethod.Address, report.Placement.Method);
        Assert.Equal(grid.Buildings[0].Id, report.Placement.BuildingId);
        Assert.Equal(grid.Id, report.Placement.Path.GridId);
    }

    [Fact]
    public async Task A_point_outside_every_grid_goes_to_the_street_desk_that_holds_it_not_dropped()
    {
        var (lon, lat) = TestCity.StreetMargin;
        var report = await fixture.Report("sanitation", new ReportedLocation(null, lon, lat, null));

        Assert.Null(report.Placement.Path.GridId);
        Assert.Equal(new DeskRef(OrgLevel.Street, "D1-S1"), report.Tracker);
        var taken = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(new DeskRef(OrgLevel.Street, "D1-S1"), taken.Assignee?.Desk);
        var desk = await fixture.Grains.GetGrain<IDeskGrain>("street:D1-S1").GetDesk();
        Assert.Contains(desk!.OwnedCases, c => c.IncidentId == report.Id);
    }

    [Fact]
    public async Task A_point_outside_the_city_s_districts_goes_to_the_city_command_centre()
    {
        var report = await fixture.Report("noise", new ReportedLocation(null, 120.0, 40.0, null));

        Assert.Equal(new DeskRef(OrgLevel.City, TestCity.CityId), report.Tracker);
        await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
    }

    [Theory]
    [InlineData("gas-leak", "department:gas")]
    [InlineData("municipal-facility", "department:municipal")]
    [InlineData("social-assistance", "community:")]
    [InlineData("street-occupation", "street:")]
    public async Task A_category_owned_above_the_grid_goes_straight_to_its_desk_not_to_a_grid_worker(string category, string deskPrefix)
    {
        var grid = fixture.ClaimGrid();
        var report = await fixture.ReportAt(grid, category);

        Assert.StartsWith(deskPrefix, report.Tracker.Key, StringComparison.Ordinal);
        var dispatched = await fixture.IncidentWhen(report.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Null(dispatched.Assignee?.WorkerId);
        Assert.Equal(report.Tracker, dispatched.Assignee?.Desk);
        Assert.Contains("access list", dispatched.Timeline.Last(t => t.Action == IncidentAction.Dispatch).Reason, StringComparison.Ordinal);

        var owner = await fixture.Grains.GetGrain<IDeskGrain>(report.Tracker.Key).GetDesk();
        Assert.Contains(owner!.OwnedCases, c => c.IncidentId == report.Id);
        var gridDesk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.DoesNotContain(gridDesk!.OpenCases, c => c.IncidentId == report.Id);
    }

    [Fact]
    public async Task A_second_report_of_the_same_problem_at_the_same_building_is_merged_into_the_open_case()
    {
        var grid = fixture.ClaimGrid();
        var first = await fixture.ReportAt(grid, "noise", reporter: "Resident Li");
        await fixture.IncidentWhen(first.Id, v => v.Delivered);

        var second = await fixture.ReportAt(grid, "noise", reporter: "Resident Zhao");

        var merged = await fixture.IncidentWhen(second.Id, v => v.Status == IncidentStatus.Merged);
        Assert.Equal(first.Id, merged.MergedInto);
        var primary = await fixture.Incident(first.Id).Get();
        Assert.Equal(["Resident Li", "Resident Zhao"], primary!.Reporters.Select(r => r.Name));
        Assert.Equal([second.Id], primary.Duplicates);

        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Single(desk!.OpenCases);

        // The figures come from the register, which follows the journal within moments.
        await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Merged == 1, "the register to count the merge");
    }

    [Fact]
    public async Task Reports_of_another_category_or_another_building_are_not_duplicates()
    {
        var grid = fixture.ClaimGrid();
        var first = await fixture.ReportAt(grid, "noise", building: 0);
        await fixture.IncidentWhen(first.Id, v => v.Delivered);

        var otherCategory = await fixture.ReportAt(grid, "sanitation", building: 0);
        var otherBuilding = await fixture.ReportAt(grid, "noise", building: 1);

        Assert.NotEqual(IncidentStatus.Merged, (await fixture.IncidentWhen(otherCategory.Id, v => v.Delivered)).Status);
        Assert.NotEqual(IncidentStatus.Merged, (await fixture.IncidentWhen(otherBuilding.Id, v => v.Delivered)).Status);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Equal(3, desk!.OpenCases.Count);
    }

    [Fact]
    public async Task Resubmitting_a_report_with_the_same_case_number_returns_the_same_case()
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());

        var first = await fixture.ReportAt(grid, "property", id: id);
        var again = await fixture.ReportAt(grid, "property", id: id);

        Assert.Equal(id, first.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.ReportedAt, again.ReportedAt);
        await fixture.IncidentWhen(id, v => v.Delivered);
        var desk = await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk();
        Assert.Single(desk!.OpenCases, c => c.IncidentId == id);
    }

    [Theory]
    [InlineData("unicorns", "B", "category")]
    [InlineData("noise", "nowhere-building", "location.buildingId")]
    [InlineData("noise", null, "location")]
    public async Task A_bad_report_is_refused_naming_the_field_and_stores_nothing(string category, string? building, string field)
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());
        var location = new ReportedLocation(building == "B" ? grid.Buildings[0].Id : building, null, null, null);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Report(category, location, id));

        Assert.Equal(field, error.Field);
        Assert.Null(await fixture.Incident(id).Get());
    }

    [Fact]
    public async Task Coordinates_out_of_range_or_half_given_are_refused()
    {
        var half = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Report("noise", new ReportedLocation(null, 100.1, null, null)));
        Assert.Equal("location", half.Field);
        var far = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Report("noise", new ReportedLocation(null, 200, 30, null)));
        Assert.Equal("location.longitude", far.Field);
        var unknown = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Report("noise", new ReportedLocation(null, null, null, "99 Nowhere Lane")));
        Assert.Equal("location.address", unknown.Field);
    }
}
