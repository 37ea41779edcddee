using Dispatch.Territory;
using Dispatch.Tests.Support;

namespace Dispatch.Tests.Territory;

public sealed class TerritoryMapTests
{
    private static readonly TerritoryMap Map = TerritoryMap.Build(TestCity.Areas, TestCity.Grids.Select(g => g.Grid));

    [Fact]
    public void A_point_inside_a_grid_is_routed_to_that_grid_with_its_whole_path()
    {
        var grid = TestCity.Grids[5];
        var (lon, lat) = grid.Inside;

        Assert.Equal(new TerritoryPath(TestCity.CityId, grid.DistrictId, grid.StreetId, grid.CommunityId, grid.Id), Map.Locate(lon, lat));
    }

    [Fact]
    public void A_point_on_the_boundary_shared_by_two_grids_goes_to_the_lower_grid_id()
    {
        // Grids G01 and G02 of D1-S1-C1 share the line lon = 100 + 0.4/12.
        var shared = 100 + (0.4 / TestCity.GridsPerCommunity);
        Assert.Equal("D1-S1-C1-G01", Map.Locate(shared, 30.25).GridId);
    }

    [Fact]
    public void A_point_on_the_outer_edge_of_a_grid_belongs_to_it()
    {
        Assert.Equal("D1-S1-C1-G01", Map.Locate(100.0, 30.25).GridId);
        Assert.Equal("D1-S1-C1-G01", Map.Locate(100.0, 30.0).GridId);
    }

    [Fact]
    public void A_point_in_street_land_outside_every_community_goes_to_the_street()
    {
        var (lon, lat) = TestCity.StreetMargin;
        Assert.Equal(new TerritoryPath(TestCity.CityId, "D1", "D1-S1", null, null), Map.Locate(lon, lat));
    }

    [Fact]
    public void A_point_outside_everything_goes_to_the_city_alone()
    {
        Assert.Equal(new TerritoryPath(TestCity.CityId, null, null, null, null), Map.Locate(-70, -30));
    }

    [Fact]
    public void Children_and_paths_follow_the_tree()
    {
        Assert.Equal(["D1-S1", "D1-S2"], Map.ChildrenOf("D1"));
        Assert.Equal(TestCity.GridsPerCommunity, Map.ChildrenOf("D1-S1-C1").Count);
        Assert.Equal("D1-S2-C2", Map.PathOfGrid("D1-S2-C2-G03")!.CommunityId);
        Assert.Null(Map.PathOfGrid("nope"));
    }

    [Fact]
    public void A_broken_territory_is_refused_naming_every_problem()
    {
        AreaInfo[] areas =
        [
            new("c", OrgLevel.City, "City", null, null),
            new("d", OrgLevel.District, "District", "c", null),
            new("s", OrgLevel.Street, "Street", "ghost", null),
            new("k", OrgLevel.Community, "Community", "d", null),
        ];
        GridInfo[] grids =
        [
            new("g1", "G1", "k", "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", 300),
            new("g2", "G2", "missing", "not wkt", 300),
        ];

        var error = Assert.Throws<InvalidDataException>(() => TerritoryMap.Build(areas, grids));

        Assert.Contains("area 's' names parent 'ghost'", error.Message);
        Assert.Contains("Community 'k' sits under District 'd'", error.Message);
        Assert.Contains("grid 'g2' names community 'missing'", error.Message);
        Assert.Contains("grid 'g2' has a boundary that is not WKT", error.Message);
    }
}
