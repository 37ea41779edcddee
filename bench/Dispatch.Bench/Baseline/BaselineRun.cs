using System.Diagnostics;
using System.Globalization;
using Dispatch.Bench.Load;
using Dispatch.Bench.Postgres;
using Dispatch.Catalog;
using Dispatch.Territory;
using Npgsql;

namespace Dispatch.Bench.Baseline;

/// <summary>What a baseline run is given besides the load: the city, the share of repeats, the pool and the scanner's period.</summary>
/// <param name="Catalog">The access list; a catalog with short windows makes deadlines fall inside a run, as Dispatch's <c>CatalogPath</c> does.</param>
public sealed record BaselineSettings(DemoCityOptions City, double Duplicates, int Connections, TimeSpan ScanEvery, CategoryCatalog Catalog)
{
    /// <summary>The city options (<see cref="CityArgs"/>), <c>--duplicates 0.05</c>, <c>--connections 32</c>, <c>--scan-every 1</c>, <c>--catalog PATH</c>.</summary>
    public static BaselineSettings From(BenchArgs args)
    {
        var city = CityArgs.From(args);
        var duplicates = args.Double("duplicates", 0.05);
        var connections = args.Int("connections", 32);
        var scanEvery = args.Seconds("scan-every", 1);
        var catalog = args.OptionalString("catalog") is { } path ? LoadCatalog(path) : CategoryCatalog.Default;
        return connections < 1
            ? throw new ArgumentException("--connections is at least 1.")
            : new BaselineSettings(city, duplicates, connections, scanEvery, catalog);
    }

    private static CategoryCatalog LoadCatalog(string path)
    {
        try
        {
            return CategoryCatalog.LoadFile(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--catalog {path}: {ex.Message}", ex);
        }
    }
}

/// <summary>The figures of one baseline run: the driver's, the scanner's, and what the tables hold at the end.</summary>
public sealed record BaselineRunResult(LoadResult Load, ScannerFigures Scanner, BaselineCounts Counts, TimeSpan CityLoadTime)
{
    public void Print(TextWriter output)
    {
        Load.Print(output);
        Scanner.Print(output);
        Counts.Print(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  city bulk-loaded (binary COPY) in {CityLoadTime.TotalSeconds:F1} s before the run"));
    }
}

/// <summary>
/// One run of the peer baseline: schema, city, deadline scanner, then the shared load driver with the
/// same report mix as Dispatch. Reusable by any command that already has a server.
/// </summary>
public static class BaselineRun
{
    /// <summary>Runs against a new database <c>baseline</c> on <paramref name="server"/>.</summary>
    public static async Task<BaselineRunResult> RunAsync(ThrowawayPostgres server, BaselineSettings settings, LoadRunOptions options, CancellationToken cancellationToken)
    {
        var connectionString = await server.CreateDatabaseAsync("baseline", cancellationToken);
        return await RunAsync(connectionString, settings, options, cancellationToken);
    }

    /// <summary>Runs against an existing database; the baseline's PostgreSQL schema in it is created afresh.</summary>
    public static async Task<BaselineRunResult> RunAsync(string connectionString, BaselineSettings settings, LoadRunOptions options, CancellationToken cancellationToken)
    {
        var city = new DemoCityGenerator(settings.City);

        await using var dataSource = NpgsqlDataSource.Create(BaselineDatabase.ConnectionString(connectionString, settings.Connections));

        // The scanner has a connection of its own, as a scheduler process would, so it never queues behind reports for one.
        await using var clockSource = NpgsqlDataSource.Create(BaselineDatabase.ConnectionString(connectionString, 1));
        var loading = Stopwatch.GetTimestamp();
        await BaselineDatabase.CreateAsync(dataSource, cancellationToken);
        await BaselineDatabase.LoadAsync(dataSource, city, settings.Catalog, cancellationToken);
        var loadTime = Stopwatch.GetElapsedTime(loading);

        var mix = new ReportMix(city.Buildings(), settings.Catalog, settings.Duplicates);
        await using var scanner = DeadlineScanner.Start(clockSource, settings.ScanEvery);
        await using var target = new BaselineTarget(dataSource);
        var load = await LoadDriver.RunAsync(target, mix, options, cancellationToken);
        var scanned = await scanner.StopAsync();
        var counts = await BaselineDatabase.CountAsync(dataSource, cancellationToken);
        return new BaselineRunResult(load, scanned, counts, loadTime);
    }
}
