using System.Text;
using Dispatch.Catalog;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using Microsoft.Extensions.Logging.Abstractions;
using static Dispatch.Tests.Support.TerritoryFiles;

namespace Dispatch.Tests.Territory;

/// <summary>
/// Reading and checking a city's files, without a cluster: every import here is a dry run with the
/// city's name given, so it touches no grain (a problem anywhere refuses the import before that).
/// </summary>
public sealed class TerritoryImportCheckTests
{
    private static readonly string[] Levels = ["street", "community", "grid"];

    private static Task<TerritoryImportResult> Check(params ImportFile[] files) =>
        new TerritoryImporter(null!, CategoryCatalog.Default, NullLoggerFactory.Instance)
            .ImportAsync("city", new TerritoryImportRequest(files, "Test City", DryRun: true));

    private static async Task<IReadOnlyList<ImportProblem>> Refused(params ImportFile[] files) =>
        (await Assert.ThrowsAsync<TerritoryImportException>(() => Check(files))).Problems;

    private static List<LayerFeature> Read(ImportFile file) =>
        GeoJsonLayerReader.Read(new MemoryStream(file.Content), file.Name, file.Layer, []);

    private static TerritoryDraft Draft(params ImportFile[] files)
    {
        var problems = new List<ImportProblem>();
        var draft = TerritoryAssembler.Assemble("city", "Test City", files.SelectMany(Read), problems);
        Assert.Empty(problems);
        return draft!;
    }

    [Fact]
    public void A_nested_three_level_layer_takes_its_parents_from_the_codes_under_a_generated_district()
    {
        var draft = Draft(Nested());

        Assert.Equal(12, draft.Grids.Count);
        Assert.Equal("TS-3", draft.Grids.Single(g => g.Id == "TS-3-3").CommunityId);
        Assert.Equal(303, draft.Grids.Single(g => g.Id == "TS-3-3").Households);
        Assert.Equal("TS", draft.Areas.Single(a => a.Id == "TS-3").ParentId);
        Assert.Equal(["city.district"], draft.Generated);
        Assert.Equal("city.district", draft.Areas.Single(a => a.Id == "TS").ParentId);

        var map = TerritoryMap.Build(draft.Areas, draft.Grids);
        var (lon, lat) = Centre(GridRect(3, 3));
        Assert.Equal(new TerritoryPath("city", "city.district", "TS", "TS-3", "TS-3-3"), map.Locate(lon, lat));
    }

    [Fact]
    public void One_file_per_level_with_the_level_option_gives_the_same_tree()
    {
        var features = NestedFeatures().ToList();
        var byLevel = Levels.Select(level => File($"{level}.geojson",
            Collection(features.Where(f => f.Contains($"\"level\":\"{level}\"", StringComparison.Ordinal)).Select(f => f.Replace($",\"level\":\"{level}\"", "", StringComparison.Ordinal))),
            new LayerOptions { Level = LayerOptions.TryParseLevel(level, out var l) ? l : null })).ToArray();

        var draft = Draft(byLevel);

        Assert.Equal(12, draft.Grids.Count);
        Assert.Equal("TS-2", draft.Grids.Single(g => g.Id == "TS-2-4").CommunityId);
    }

    [Fact]
    public void Without_nested_codes_parents_come_from_containment()
    {
        var features = NestedFeatures().Select(f => f
            .Replace("\"code\":\"TS-1-", "\"code\":\"A", StringComparison.Ordinal)
            .Replace("\"code\":\"TS-2-", "\"code\":\"B", StringComparison.Ordinal)
            .Replace("\"code\":\"TS-3-", "\"code\":\"C", StringComparison.Ordinal));

        var draft = Draft(File("grids.geojson", Collection(features)));

        Assert.Equal("TS-2", draft.Grids.Single(g => g.Id == "B4").CommunityId);
    }

    [Fact]
    public void A_parent_property_names_the_parent()
    {
        var file = File("parents.geojson", Collection(
        [
            Feature(Rect(1, 1, 2, 2), ("id", "K"), ("level", "community")),
            Feature(Rect(1, 1, 2, 2), ("id", "G"), ("owner", "K"), ("level", "grid")),
        ]), new LayerOptions { CodeProperty = "id", ParentProperty = "owner" });

        Assert.Equal("K", Draft(file).Grids.Single().CommunityId);
    }

    [Fact]
    public async Task A_flat_layer_with_a_numeric_code_loads_as_grids_under_one_generated_chain()
    {
        var result = await Check(Flat71());
        var draft = Draft(Flat71());

        Assert.True(result.DryRun);
        Assert.Equal(71, draft.Grids.Count);
        Assert.Contains(draft.Grids, g => g.Id == "101" && g.Name == "District 101");
        Assert.All(draft.Grids, g => Assert.Equal("city.district.street.community", g.CommunityId));
        Assert.Equal(["city.district", "city.district.street", "city.district.street.community"], draft.Generated);
        var map = TerritoryMap.Build(draft.Areas, draft.Grids);
        Assert.Equal("111", map.Locate(2.015, 48.815).GridId);
    }

    [Fact]
    public void A_point_on_a_shared_boundary_goes_to_one_grid_every_time_and_outside_to_the_lowest_area()
    {
        // The street reaches 0.05° east of its communities: land of the street alone.
        var wideStreet = NestedFeatures().Select(f => f.Contains("\"code\":\"TS\"", StringComparison.Ordinal)
            ? Feature(Rect(West, South, West + (3 * CommunityWidth) + 0.05, South + (4 * GridHeight)), ("code", "TS"), ("level", "street"))
            : f);
        var draft = Draft(File("wide.geojson", Collection(wideStreet)));
        var map = TerritoryMap.Build(draft.Areas, draft.Grids);
        var shared = South + GridHeight;

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal("TS-1-1", map.Locate(West + 0.05, shared).GridId));
        Assert.Equal("TS-1-1", map.Locate(West + CommunityWidth, South).GridId);
        Assert.Equal(new TerritoryPath("city", "city.district", "TS", null, null), map.Locate(116.62, 39.95));
        Assert.Equal(new TerritoryPath("city", null, null, null, null), map.Locate(0, 0));
    }

    [Fact]
    public async Task A_self_intersecting_ring_is_repaired_and_reported()
    {
        var bowtie = File("bowtie.geojson", Collection([Feature(Ring((5, 5), (6, 6), (6, 5), (5, 6), (5, 5)), ("code", "X1"))]));

        var result = await Check(bowtie);

        var repair = Assert.Single(result.Repairs);
        Assert.Contains("bowtie.geojson feature 1 ('X1')", repair.Where);
        Assert.Contains("repaired: Self-intersection", repair.What);
        Assert.Contains("2 polygons", repair.What);
    }

    [Fact]
    public async Task A_ring_that_collapses_is_refused_rather_than_repaired()
    {
        var line = File("flat.geojson", Collection([Feature(Ring((5, 5), (6, 5), (7, 5), (5, 5)), ("code", "X1"))]));

        var problem = Assert.Single(await Refused(line));

        Assert.Contains("('X1')", problem.Where);
        Assert.Contains("cannot be repaired safely", problem.What);
    }

    [Fact]
    public async Task Duplicate_codes_are_refused_naming_both_features()
    {
        var file = File("dup.geojson", Collection([Feature(Rect(1, 1, 2, 2), ("code", "G1")), Feature(Rect(2, 1, 3, 2), ("code", "G1"))]));

        var problem = Assert.Single(await Refused(file));

        Assert.Equal("dup.geojson feature 2 ('G1')", problem.Where);
        Assert.Contains("duplicate code: 'G1' is also dup.geojson feature 1 ('G1')", problem.What);
    }

    [Fact]
    public async Task An_unknown_parent_is_refused()
    {
        var file = File("orphans.geojson", Collection(
        [
            Feature(Rect(1, 1, 2, 2), ("code", "K"), ("level", "community")),
            Feature(Rect(1, 1, 2, 2), ("code", "G"), ("parent", "NOPE"), ("level", "grid")),
            Feature(Rect(5, 5, 6, 6), ("code", "H"), ("level", "grid")),
        ]), new LayerOptions { ParentProperty = "parent" });

        var problems = await Refused(file);

        Assert.Contains(problems, p => p.Where.Contains("('G')") && p.What.Contains("unknown parent: no feature has the code 'NOPE'"));
        Assert.Contains(problems, p => p.Where.Contains("('H')") && p.What.Contains("no community contains it"));
    }

    [Fact]
    public async Task A_grid_outside_its_community_is_refused_with_the_area_outside()
    {
        var (x0, y0, x1, y1) = GridRect(1, 1);
        var bulging = NestedFeatures().Select(f => f.Contains("\"code\":\"TS-1-1\"", StringComparison.Ordinal)
            ? Feature(Rect(x0 - 0.01, y0, x1, y1), ("code", "TS-1-1"), ("level", "grid"))
            : f);

        var problems = await Refused(File("bulge.geojson", Collection(bulging)));

        var outside = Assert.Single(problems, p => p.What.Contains("lies outside"));
        Assert.Contains("('TS-1-1')", outside.Where);
        Assert.Matches(@"lies outside its community 'TS-1': [\d,]+ m²", outside.What);
    }

    [Fact]
    public async Task Overlapping_grids_are_refused_with_the_overlapping_area()
    {
        var file = File("overlap.geojson", Collection([Feature(Rect(1, 1, 1.02, 1.02), ("code", "A")), Feature(Rect(1.01, 1.01, 1.03, 1.03), ("code", "B"))]));

        var problem = Assert.Single(await Refused(file));

        Assert.Contains("('A')", problem.Where);
        // 0.01° × 0.01° at latitude 1: about 1.24 km².
        Assert.Matches(@"overlaps grid 'B' by 1,23\d,\d{3} m²", problem.What);
    }

    [Fact]
    public async Task A_gap_between_the_grids_of_a_community_is_refused()
    {
        var problems = await Refused(Nested((c, g) => !(c == 2 && g == 2)));

        var gap = Assert.Single(problems);
        Assert.Contains("('TS-2')", gap.Where);
        Assert.Matches(@"gap: [\d,]+ m² is in none of its grids around \(116\.4", gap.What);
    }

    [Fact]
    public async Task A_gap_enclosed_by_a_flat_layer_is_refused()
    {
        // A ring of eight squares around an empty one.
        var ring = Enumerable.Range(0, 9).Where(i => i != 4).Select(i =>
            Feature(Rect(1 + (i % 3 * 0.01), 1 + (i / 3 * 0.01), 1.01 + (i % 3 * 0.01), 1.01 + (i / 3 * 0.01)), ("code", $"R{i}")));

        var gap = Assert.Single(await Refused(File("ring.geojson", Collection(ring))));

        Assert.Contains("enclosed by grids", gap.What);
    }

    [Fact]
    public async Task Projected_coordinates_and_unreadable_files_are_refused()
    {
        var projected = File("utm.geojson", Collection([Feature(Rect(500000, 4400000, 500100, 4400100), ("code", "P"))]));
        var notJson = File("broken.geojson", Encoding.UTF8.GetBytes("{\"type\": \"FeatureCollection\", \"features\": ["));
        var notCollection = File("point.geojson", Encoding.UTF8.GetBytes("{\"type\": \"Point\", \"coordinates\": [1, 2]}"));
        var line = File("line.geojson", Collection([Feature("{\"type\":\"LineString\",\"coordinates\":[[1,1],[2,2]]}", ("code", "L"))]));
        var noCode = File("nocode.geojson", Collection([Feature(Rect(1, 1, 2, 2), ("name", "nameless"))]));

        var problems = await Refused(projected, notJson, notCollection, line, noCode);

        Assert.Contains(problems, p => p.Where == "utm.geojson feature 1 ('P')" && p.What.Contains("not WGS84 longitude/latitude"));
        Assert.Contains(problems, p => p.Where == "broken.geojson" && p.What.StartsWith("not valid JSON"));
        Assert.Contains(problems, p => p.Where == "point.geojson" && p.What.Contains("not a GeoJSON FeatureCollection"));
        Assert.Contains(problems, p => p.Where == "line.geojson feature 1 ('L')" && p.What.Contains("is a LineString"));
        Assert.Contains(problems, p => p.Where == "nocode.geojson feature 1" && p.What.Contains("has no code"));
    }

    [Fact]
    public async Task Buildings_and_workers_are_placed_and_bad_lines_are_named()
    {
        var (lon, lat) = Centre(GridRect(2, 3));
        var good = await Check(Nested(),
            Csv("buildings.csv", "id,grid,longitude,latitude,address,households", "B1,TS-1-1,,,1 Test Road,120", $"B2,,{lon},{lat},\"2 Test Road, rear\",80"),
            Workers("TS-1-1", "TS-2-3"));
        Assert.Equal(2, good.Buildings);
        Assert.Equal(2, good.Workers);

        var problems = await Refused(Nested(),
            Csv("buildings.csv", "id,grid,longitude,latitude,address,households", "B1,NOPE,,,1 Road,10", "B2,,10,10,2 Road,10", "B3,TS-1-1,,,3 Road,many", "B3,TS-1-1,,,4 Road,1"),
            Csv("workers.csv", "id,grid,role,skills,on duty", "W1,TS-1-1,wizard,magic,yes", "W2,GONE,grid worker,sanitation,maybe", "W3,GONE,grid worker,sanitation,no"));

        Assert.Contains(problems, p => p.Where == "buildings.csv line 2" && p.What.Contains("names grid 'NOPE', which is not in the territory"));
        Assert.Contains(problems, p => p.Where == "buildings.csv line 3" && p.What.Contains("lies in no grid"));
        Assert.Contains(problems, p => p.Where == "buildings.csv line 4" && p.What.Contains("households 'many'"));
        Assert.Contains(problems, p => p.Where == "buildings.csv line 5" && p.What.Contains("duplicate building id 'B3'"));
        Assert.Contains(problems, p => p.Where == "workers.csv line 2" && p.What.Contains("role 'wizard'"));
        Assert.Contains(problems, p => p.Where == "workers.csv line 3" && p.What.Contains("on duty 'maybe'"));
        Assert.Contains(problems, p => p.Where == "workers.csv line 4" && p.What.Contains("names grid 'GONE'"));
    }

    [Fact]
    public async Task The_catalog_file_is_checked()
    {
        var problems = await Refused(Nested(), File("catalog.json", Encoding.UTF8.GetBytes("{\"categories\": [{\"code\": 5}]}")));

        Assert.Contains(problems, p => p.Where == "catalog.json" && p.What.StartsWith("not a valid catalog"));
    }
}
