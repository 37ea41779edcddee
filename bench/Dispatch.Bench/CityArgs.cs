using Dispatch.Territory;

namespace Dispatch.Bench;

/// <summary>
/// The demo city of a run. <c>--grids N</c> picks a city of about N grids (districts of 10 streets
/// × 10 communities × up to 100 grids); the explicit sizes override it.
/// </summary>
public static class CityArgs
{
    public static DemoCityOptions From(BenchArgs args, int defaultGrids = 500, int buildingsPerGrid = 20, int workersPerGrid = 3)
    {
        var grids = args.Int("grids", defaultGrids);
        if (grids < 1)
        {
            throw new ArgumentException("--grids is at least 1.");
        }

        // Small cities keep the shipped demo shape (1 district × 5 streets × 10 communities); large ones grow by districts.
        var (districts, streets, communities, perCommunity) = grids switch
        {
            <= 500 => (1, 5, 10, Math.Max(1, (int)Math.Ceiling(grids / 50.0))),
            <= 10_000 => (1, 10, 10, (int)Math.Ceiling(grids / 100.0)),
            _ => ((int)Math.Ceiling(grids / 10_000.0), 10, 10, 100),
        };

        return new DemoCityOptions
        {
            Enabled = true,
            CityId = "demo",
            Districts = args.Int("districts", districts),
            StreetsPerDistrict = args.Int("streets-per-district", streets),
            CommunitiesPerStreet = args.Int("communities-per-street", communities),
            GridsPerCommunity = args.Int("grids-per-community", perCommunity),
            BuildingsPerGrid = args.Int("buildings-per-grid", buildingsPerGrid),
            WorkersPerGrid = args.Int("workers-per-grid", workersPerGrid),
        };
    }

    /// <summary>The same city as settings for a Dispatch process (environment variable names).</summary>
    public static Dictionary<string, string> AsEnvironment(DemoCityOptions city) => new()
    {
        ["Dispatch__DemoCity__Enabled"] = "true",
        ["Dispatch__DemoCity__Districts"] = city.Districts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Dispatch__DemoCity__StreetsPerDistrict"] = city.StreetsPerDistrict.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Dispatch__DemoCity__CommunitiesPerStreet"] = city.CommunitiesPerStreet.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Dispatch__DemoCity__GridsPerCommunity"] = city.GridsPerCommunity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Dispatch__DemoCity__BuildingsPerGrid"] = city.BuildingsPerGrid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Dispatch__DemoCity__WorkersPerGrid"] = city.WorkersPerGrid.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string Describe(DemoCityOptions city) =>
        $"{city.TotalGrids:N0} grids, {city.TotalBuildings:N0} buildings, {city.TotalWorkers:N0} workers";
}
