using System.Globalization;
using Dispatch.Territory;
using Dispatch.Workforce;

namespace Dispatch.Tests.Support;

/// <summary>One grid of the test city, with what a test needs to know about it.</summary>
public sealed record TestGrid(GridInfo Grid, string CommunityId, string StreetId, string DistrictId,
    IReadOnlyList<BuildingInfo> Buildings, IReadOnlyList<WorkerProfile> Workers)
{
    public string Id => Grid.Id;

    /// <summary>Full-time grid worker with the broad skill set; on duty.</summary>
    public WorkerProfile GridWorker => Workers[0];

    /// <summary>Community police officer (security, mediation, emergency); on duty.</summary>
    public WorkerProfile Police => Workers[1];

    /// <summary>Property staff (property, sanitation, facilities); off duty.</summary>
    public WorkerProfile Property => Workers[2];

    /// <summary>A point well inside the grid.</summary>
    public (double Longitude, double Latitude) Inside => (Buildings[0].Longitude + 0.0005, Buildings[0].Latitude + 0.0005);
}

/// <summary>
/// A small city drawn by hand so that tests know every id: one district (lon 100–101, lat 30–31),
/// two streets side by side, each with two communities that leave a strip of street land
/// (lon x.4–x.5) outside any community, and <see cref="GridsPerCommunity"/> grids per community
/// as vertical strips. Every grid has two buildings and the same three-person roster.
/// </summary>
public static class TestCity
{
    public const string CityId = "test";
    public const string DistrictId = "D1";
    public const int GridsPerCommunity = 12;
    public static readonly string[] BroadSkills = ["sanitation", "property", "mediation", "social-work", "registration", "safety"];

    public static IReadOnlyList<AreaInfo> Areas { get; } = BuildAreas();

    public static IReadOnlyList<TestGrid> Grids { get; } = BuildGrids();

    public static TerritoryImport Import => new(
        Areas,
        Grids.Select(g => g.Grid),
        Grids.SelectMany(g => g.Buildings),
        Grids.SelectMany(g => g.Workers));

    /// <summary>A point in street D1-S1's land that belongs to no community.</summary>
    public static (double Longitude, double Latitude) StreetMargin => (100.45, 30.25);

    private static List<AreaInfo> BuildAreas()
    {
        var areas = new List<AreaInfo>
        {
            new(CityId, OrgLevel.City, "Test City", null, null),
            new(DistrictId, OrgLevel.District, "Test District", CityId, Rect(100, 30, 101, 31)),
        };
        for (var s = 0; s < 2; s++)
        {
            var streetId = $"D1-S{s + 1}";
            var x = 100 + (s * 0.5);
            areas.Add(new AreaInfo(streetId, OrgLevel.Street, $"Street {s + 1}", DistrictId, Rect(x, 30, x + 0.5, 31)));
            for (var c = 0; c < 2; c++)
            {
                var y = 30 + (c * 0.5);
                areas.Add(new AreaInfo($"{streetId}-C{c + 1}", OrgLevel.Community, $"Community {s + 1}.{c + 1}", streetId, Rect(x, y, x + 0.4, y + 0.5)));
            }
        }

        return areas;
    }

    private static List<TestGrid> BuildGrids()
    {
        var grids = new List<TestGrid>();
        foreach (var community in BuildAreas().Where(a => a.Level == OrgLevel.Community))
        {
            var streetId = community.ParentId!;
            var x0 = 100 + ((streetId[^1] - '1') * 0.5);
            var y0 = 30 + ((community.Id[^1] - '1') * 0.5);
            var width = 0.4 / GridsPerCommunity;
            for (var g = 0; g < GridsPerCommunity; g++)
            {
                var gridId = $"{community.Id}-G{g + 1:D2}";
                var left = x0 + (g * width);
                var grid = new GridInfo(gridId, $"Grid {gridId}", community.Id, Rect(left, y0, left + width, y0 + 0.5), 400);
                var buildings = Enumerable.Range(1, 2).Select(b => new BuildingInfo(
                    $"{gridId}-B{b}", $"Building {b}", $"{b} Test Road, {gridId}",
                    left + (width / 2), y0 + (0.1 * b), 120, gridId, $"Leader {gridId}-{b}")).ToArray();
                WorkerProfile[] workers =
                [
                    new($"{gridId}-W1", "Grid worker", WorkerRole.GridWorker, BroadSkills, gridId, "13800000001", true),
                    new($"{gridId}-W2", "Community police", WorkerRole.CommunityPolice, ["security", "mediation", "emergency"], gridId, "13800000002", true),
                    new($"{gridId}-W3", "Property staff", WorkerRole.PropertyStaff, ["property", "sanitation", "facilities"], gridId, "13800000003", false),
                ];
                grids.Add(new TestGrid(grid, community.Id, streetId, DistrictId, buildings, workers));
            }
        }

        return grids;
    }

    private static string Rect(double x0, double y0, double x1, double y1) => string.Create(CultureInfo.InvariantCulture,
        $"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))");
}
