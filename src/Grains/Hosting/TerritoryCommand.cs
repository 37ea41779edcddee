using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Hosting;

/// <summary>
/// <c>Dispatch.Silo territory import FILE... [options]</c>: a city's boundary, building, worker and
/// catalog files into the configured storage (the catalog is installed for the whole cluster). It runs a short-lived silo on that storage — with
/// PostgreSQL it joins the cluster for the import, so running silos see the new map at once; with
/// the SQLite file the embedded gateway must be stopped — and prints progress, then what changed,
/// or every problem found (exit code 1; nothing changed).
/// </summary>
public static class TerritoryCommand
{
    public const string Usage = """
        Dispatch.Silo territory import FILE... [options]
          FILE                       GeoJSON FeatureCollection (.geojson/.json), buildings or workers (.csv), catalog (.json, installed)
          --level LEVEL              district, street, community or grid, for the files after it (default: the level property, else grid)
          --code-property NAME       the property with each feature's code (default: code, else the feature's id)
          --name-property NAME       the property with its name (default: name)
          --parent-property NAME     the property with the parent's code (default: none: nested codes, else containment)
          --level-property NAME      the property with the level when one file holds several (default: level)
          --households-property NAME (default: households)
          --city-name NAME           the city's name (default: the current one)
          --tolerance M2             overlaps, gaps and overhangs below this many square metres pass (default: 1)
          --dry-run                  check everything, change nothing
        Options before a file apply to it and the files after it.
        """;

    private static readonly HashSet<string> Flags = ["--dry-run"];

    private static readonly HashSet<string> Options =
        ["--level", "--code-property", "--name-property", "--parent-property", "--level-property", "--households-property", "--city-name", "--tolerance"];

    /// <summary>The arguments that are configuration (<c>--Section:Key=value</c> or <c>--Section:Key value</c>), for the host.</summary>
    public static string[] ConfigurationArgs(string[] args)
    {
        var configuration = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Split('=')[0].Contains(':'))
            {
                configuration.Add(arg);
                if (!arg.Contains('=') && i + 1 < args.Length)
                {
                    configuration.Add(args[++i]);
                }
            }
        }

        return [.. configuration];
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (Parse(args, output) is not { } request)
        {
            output.WriteLine(Usage);
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Configuration.AddConfiguration(configuration);
        var storage = configuration.StorageOptions();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Memory would keep nothing: like the other commands, work on the embedded default's SQLite file.
            ["Dispatch:Storage:Provider"] = storage.IsPostgres ? "postgres" : "sqlite",
            ["Dispatch:DemoCity:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = configuration["Logging:LogLevel:Default"] is "Debug" or "Trace" ? configuration["Logging:LogLevel:Default"] : "Warning",
            ["Logging:LogLevel:Dispatch.Territory.Import"] = "Warning",
            // The memory stream's pulling agents complain when the short-lived silo stops under them.
            ["Logging:LogLevel:Orleans.Streams"] = "Critical",
            ["Logging:LogLevel:Orleans.Providers"] = "Critical",
        });
        if (storage.IsPostgres && configuration["Orleans:Endpoints:SiloPort"] is null)
        {
            // A silo of its own beside the cluster's on this host: ports nobody uses.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:Endpoints:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Orleans:Endpoints:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            });
        }

        builder.AddDispatchSilo();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var cityId = host.Services.GetRequiredService<IOptions<DispatchOptions>>().Value.CityId;
            var importer = new TerritoryImporter(host.Services.GetRequiredService<IGrainFactory>(),
                host.Services.GetRequiredService<CategoryCatalog>(), host.Services.GetRequiredService<ILoggerFactory>());
            output.WriteLine($"Importing into city '{cityId}' ({(storage.IsPostgres ? "PostgreSQL" : $"SQLite {new DispatchStorageOptions { DataFolder = storage.DataFolder }.SqliteFile}")})");
            var result = await importer.ImportAsync(cityId, request, line => output.WriteLine($"  {line}"), cancellationToken);
            Report(result, output);
            return 0;
        }
        catch (ConcurrentChangeException busy)
        {
            output.WriteLine($"Refused: {busy.Message} Nothing was changed.");
            return 1;
        }
        catch (TerritoryImportException refused)
        {
            foreach (var problem in refused.Problems)
            {
                output.WriteLine($"  {problem}");
            }

            output.WriteLine($"Refused: {refused.Problems.Count} problem(s); nothing was changed.");
            return 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static void Report(TerritoryImportResult result, TextWriter output)
    {
        foreach (var repair in result.Repairs)
        {
            output.WriteLine($"  {repair}");
        }

        if (result.Generated.Count > 0)
        {
            output.WriteLine($"  generated to hold the levels the files do not have: {string.Join(", ", result.Generated)}");
        }

        if (result.DryRun)
        {
            output.WriteLine($"Dry run: everything checks out ({result.Buildings:N0} buildings, {result.Workers:N0} workers"
                + (result.CatalogChecked ? ", the catalog" : "") + $"); nothing was changed. {result.Seconds:F1} s");
            return;
        }

        var s = result.Summary!;
        output.WriteLine($"Territory version {s.Version}: {s.Districts:N0} districts, {s.Streets:N0} streets, {s.Communities:N0} communities, {s.Grids:N0} grids; "
            + $"{result.Buildings:N0} buildings, {result.Workers:N0} workers; {result.RemovedGrids.Count:N0} grids and {result.RemovedAreas.Count:N0} areas retired, {result.MovedCases:N0} open case(s) moved; "
            + $"{result.Seconds:F1} s.");
        if (result.CatalogVersion is { } version)
        {
            output.WriteLine($"Catalog version {version} installed: every silo and gateway of the cluster uses it within Dispatch:CatalogRefreshInterval (10 s), "
                + "and after a restart, instead of Dispatch:CatalogPath.");
        }
    }

    /// <summary>The import the arguments ask for, or null (after saying why).</summary>
    public static TerritoryImportRequest? Parse(string[] args, TextWriter output)
    {
        var layer = new LayerOptions();
        var files = new List<ImportFile>();
        string? cityName = null;
        double tolerance = 1.0;
        var dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (Flags.Contains(arg))
            {
                dryRun = true;
                continue;
            }

            if (Options.Contains(arg))
            {
                if (i + 1 >= args.Length)
                {
                    output.WriteLine($"{arg} needs a value.");
                    return null;
                }

                var value = args[++i];
                switch (arg)
                {
                    case "--level" when LayerOptions.TryParseLevel(value, out var level):
                        layer = layer with { Level = level };
                        break;
                    case "--level":
                        output.WriteLine($"--level {value}: give district, street, community or grid.");
                        return null;
                    case "--code-property": layer = layer with { CodeProperty = value }; break;
                    case "--name-property": layer = layer with { NameProperty = value }; break;
                    case "--parent-property": layer = layer with { ParentProperty = value }; break;
                    case "--level-property": layer = layer with { LevelProperty = value }; break;
                    case "--households-property": layer = layer with { HouseholdsProperty = value }; break;
                    case "--city-name": cityName = value; break;
                    case "--tolerance" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0:
                        tolerance = t;
                        break;
                    default:
                        output.WriteLine($"{arg} {value}: give a number of square metres, 0 or more.");
                        return null;
                }

                continue;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                // Configuration (--Section:Key=value [or a value after it]): the host has it.
                if (!arg.Contains('=') && arg.Contains(':'))
                {
                    i++;
                }
                else if (!arg.Contains(':'))
                {
                    output.WriteLine($"Unknown option {arg}.");
                    return null;
                }

                continue;
            }

            if (!File.Exists(arg))
            {
                output.WriteLine($"{arg}: no such file.");
                return null;
            }

            files.Add(new ImportFile(Path.GetFileName(arg), File.ReadAllBytes(arg), layer));
        }

        if (files.Count == 0)
        {
            output.WriteLine("Name at least one file to import.");
            return null;
        }

        return new TerritoryImportRequest(files, cityName, tolerance, dryRun);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
