using System.Globalization;
using System.Text;
using Dispatch.Territory;
using Dispatch.Territory.Import;

namespace Dispatch.Tests.Support;

/// <summary>
/// Boundary, building and worker files shaped like a city's own, made for the tests. The nested
/// layer is one street <c>TS</c> (lon 116.30–116.60, lat 39.90–40.00) cut into communities
/// <c>TS-1</c>…<c>TS-3</c> (vertical strips 0.1° wide), each cut into grids <c>TS-c-1</c>…<c>TS-c-4</c>
/// (horizontal strips 0.025° high), codes nested as a city would number them.
/// </summary>
public static class TerritoryFiles
{
    public const double West = 116.30, South = 39.90, CommunityWidth = 0.1, GridHeight = 0.025;

    public static string Rect(double x0, double y0, double x1, double y1) =>
        Ring((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0));

    /// <summary>A GeoJSON Polygon from one ring (and optional holes).</summary>
    public static string Ring(params (double X, double Y)[] ring) =>
        $$"""{"type":"Polygon","coordinates":[[{{string.Join(",", ring.Select(p => Invariant($"[{p.X},{p.Y}]")))}}]]}""";

    public static string Feature(string geometry, params (string Name, object Value)[] properties) =>
        $$"""{"type":"Feature","properties":{{{string.Join(",", properties.Select(p => $"\"{p.Name}\":{Json(p.Value)}"))}}},"geometry":{{geometry}}}""";

    public static byte[] Collection(IEnumerable<string> features) =>
        Encoding.UTF8.GetBytes($$"""{"type":"FeatureCollection","features":[{{string.Join(",\n", features)}}]}""");

    public static ImportFile File(string name, byte[] content, LayerOptions? layer = null) => new(name, content, layer ?? new LayerOptions());

    public static ImportFile Csv(string name, params string[] lines) => new(name, Encoding.UTF8.GetBytes(string.Join("\n", lines)), new LayerOptions());

    /// <summary>Community <paramref name="c"/> (1–3) of the nested layer.</summary>
    public static (double X0, double Y0, double X1, double Y1) CommunityRect(int c) =>
        (West + ((c - 1) * CommunityWidth), South, West + (c * CommunityWidth), South + (4 * GridHeight));

    /// <summary>Grid <paramref name="g"/> (1–4) of community <paramref name="c"/>.</summary>
    public static (double X0, double Y0, double X1, double Y1) GridRect(int c, int g)
    {
        var (x0, _, x1, _) = CommunityRect(c);
        return (x0, South + ((g - 1) * GridHeight), x1, South + (g * GridHeight));
    }

    public static (double Longitude, double Latitude) Centre((double X0, double Y0, double X1, double Y1) r) => ((r.X0 + r.X1) / 2, (r.Y0 + r.Y1) / 2);

    /// <summary>The street, its communities and their grids in one file, each with a level property.</summary>
    public static IEnumerable<string> NestedFeatures(Func<int, int, bool>? includeGrid = null)
    {
        yield return Feature(Rect(West, South, West + (3 * CommunityWidth), South + (4 * GridHeight)), ("code", "TS"), ("name", "Test Street"), ("level", "street"));
        for (var c = 1; c <= 3; c++)
        {
            var (x0, y0, x1, y1) = CommunityRect(c);
            yield return Feature(Rect(x0, y0, x1, y1), ("code", $"TS-{c}"), ("name", $"Community {c}"), ("level", "community"));
            for (var g = 1; g <= 4; g++)
            {
                if (includeGrid?.Invoke(c, g) == false)
                {
                    continue;
                }

                var r = GridRect(c, g);
                yield return Feature(Rect(r.X0, r.Y0, r.X1, r.Y1), ("code", $"TS-{c}-{g}"), ("name", $"Grid {c}-{g}"), ("level", "grid"), ("households", 300 + g));
            }
        }
    }

    public static ImportFile Nested(Func<int, int, bool>? includeGrid = null, IEnumerable<string>? extra = null) =>
        File("nested.geojson", Collection(NestedFeatures(includeGrid).Concat(extra ?? [])));

    /// <summary>
    /// A flat layer like a city's 71 community districts: squares 0.01° a side in rows of 9 (the last
    /// row 8), codes in a numeric property <c>BoroCD</c> (101, 102, …), names in <c>cd_name</c>.
    /// </summary>
    public static ImportFile Flat71() =>
        File("community-districts.geojson", Collection(Enumerable.Range(0, 71).Select(i =>
        {
            var (row, column) = (i / 9, i % 9);
            var x0 = 2.0 + (column * 0.01);
            var y0 = 48.8 + (row * 0.01);
            return Feature(Rect(x0, y0, x0 + 0.01, y0 + 0.01), ("BoroCD", 101 + i), ("cd_name", $"District {101 + i}"));
        })), new LayerOptions { CodeProperty = "BoroCD", NameProperty = "cd_name" });

    /// <summary>One on-duty worker with the broad skills per grid code given.</summary>
    public static ImportFile Workers(params string[] grids) =>
        Csv("workers.csv", ["id,grid,role,skills,on duty,name", .. grids.Select(g => $"W-{g},{g},grid_worker,sanitation;property;mediation;safety,yes,Worker {g}")]);

    private static string Json(object value) => value switch
    {
        string s => System.Text.Json.JsonSerializer.Serialize(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
