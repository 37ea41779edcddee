using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dispatch.Bench.Scale;
using Dispatch.Catalog;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;

namespace Dispatch.Bench.Territory;

/// <summary>
/// The territory import at a province's size: writes the demo city's districts, streets,
/// communities and grids as one GeoJSON file with a level property and nested codes (as a city's
/// GIS export would be), then imports it into one silo in this process — read, checked (validity,
/// parents, containment, overlaps, gaps), committed as one version and every desk set up — and
/// prints the time of each step. <c>--write PATH</c> keeps the file (for timing
/// <c>Dispatch.Silo territory import</c> against real storage) and imports nothing.
/// </summary>
public static class TerritoryImportCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var city = CityArgs.From(args, defaultGrids: 100_000, buildingsPerGrid: 0, workersPerGrid: 0);
        var storage = BenchSilo.ParseStorage(args);
        var write = args.OptionalString("write");
        args.RejectUnknown();

        var output = Console.Out;
        var clock = Stopwatch.StartNew();
        var file = Write(new DemoCityGenerator(city));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"territory-import: {city.TotalGrids:N0} grids ({CityArgs.Describe(city)}); GeoJSON of {file.Length / 1048576.0:F0} MiB written in {clock.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores"));
        if (write is not null)
        {
            await File.WriteAllBytesAsync(write, file);
            output.WriteLine($"written to {write}");
            return 0;
        }

        await using var silo = await BenchSilo.StartAsync(storage);
        var importer = new TerritoryImporter(silo.Grains, CategoryCatalog.Default, silo.Loggers);
        clock.Restart();
        var result = await importer.ImportAsync(city.CityId, new TerritoryImportRequest([new ImportFile("city.geojson", file, new LayerOptions())], "Demo City"),
            line => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds,6:F1} s  {line}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {result.Summary!.Grids:N0} grids as version {result.Summary.Version} in {result.Seconds:F1} s (storage {storage.ToString().ToLowerInvariant()})"));
        return 0;
    }

    private static byte[] Write(DemoCityGenerator generator)
    {
        var reader = new WKTReader();
        var json = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write("{\"type\":\"FeatureCollection\",\"features\":[");
            var first = true;
            void Feature(string code, string name, string level, string wkt)
            {
                writer.Write(first ? "\n" : ",\n");
                first = false;
                writer.Write($"{{\"type\":\"Feature\",\"properties\":{{\"code\":{JsonSerializer.Serialize(code)},\"name\":{JsonSerializer.Serialize(name)},\"level\":\"{level}\"}},\"geometry\":");
                writer.Write(JsonSerializer.Serialize(reader.Read(wkt), json));
                writer.Write('}');
            }

            foreach (var area in generator.Areas().Where(a => a.BoundaryWkt is not null))
            {
                Feature(area.Id, area.Name, area.Level.ToString().ToLowerInvariant(), area.BoundaryWkt!);
            }

            foreach (var grid in generator.Grids())
            {
                Feature(grid.Id, grid.Name, "grid", grid.BoundaryWkt);
            }

            writer.Write("\n]}");
        }

        return buffer.ToArray();
    }
}
