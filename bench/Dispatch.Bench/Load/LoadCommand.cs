using System.Diagnostics;
using Dispatch.Catalog;
using Dispatch.Territory;
using Dispatch.Workforce;

namespace Dispatch.Bench.Load;

/// <summary>
/// <c>load</c>: starts Dispatch (embedded or cluster) or uses a running one, puts every grid worker
/// on duty, warms up, then drives the report mix and prints the figures.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = LoadSettings.From(args);
        var options = LoadDriver.OptionsFrom(args);
        var warmup = args.Seconds("warmup", 10);
        args.RejectUnknown();

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        await using var system = await settings.StartAsync(cancel.Token);
        await using var target = await settings.ConnectAsync(system, cancel.Token);
        var result = await RunWithWarmupAsync(target, settings, options, warmup, cancel.Token);
        Console.WriteLine($"[load] {system.Description}; city {CityArgs.Describe(settings.City)}; duplicates {settings.Duplicates:P0}");
        result.Print(Console.Out);
        return 0;
    }

    /// <summary>A short steady run first, so the figures are not of JIT compilation and first activations.</summary>
    public static async Task<LoadResult> RunWithWarmupAsync(ILoadTarget target, LoadSettings settings, LoadRunOptions options, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var mix = settings.Mix();
        if (warmup > TimeSpan.Zero)
        {
            var rate = options.ClosedLoopConcurrency > 0 ? 100 : Math.Min(options.Shape.BaseRate, 500);
            await LoadDriver.RunAsync(target, mix, options with { Shape = LoadShape.Steady(rate), Duration = warmup, ClosedLoopConcurrency = 0, Drain = TimeSpan.FromSeconds(1) }, cancellationToken);
        }

        return await LoadDriver.RunAsync(target, mix, options, cancellationToken);
    }
}

/// <summary>Which Dispatch a load run drives and how: read from the command line.</summary>
public sealed record LoadSettings(
    string System,
    string Storage,
    int Silos,
    string Via,
    string Configuration,
    DemoCityOptions City,
    double Duplicates,
    Uri? Url,
    string? HotlineKey,
    string? AdminKey,
    OrleansEndpoint? Orleans)
{
    public static LoadSettings From(BenchArgs args)
    {
        var system = args.String("system", "embedded");
        var via = args.String("via", "http");
        if (system is not ("embedded" or "cluster" or "url"))
        {
            throw new ArgumentException("--system is embedded (start the embedded gateway), cluster (start scripts/cluster) or url (a running gateway: --url, --hotline-key, --admin-key).");
        }

        if (via is not ("http" or "orleans"))
        {
            throw new ArgumentException("--via is http (the gateway's API) or orleans (an Orleans client straight to the silos).");
        }

        var url = args.OptionalString("url");
        var orleansPort = args.Int("orleans-port", 0);
        var connection = args.OptionalString("connection");
        if (system == "url" && (url is null || args.OptionalString("hotline-key") is null || args.OptionalString("admin-key") is null))
        {
            throw new ArgumentException("--system url needs --url, --hotline-key and --admin-key (and --orleans-port or --connection for --via orleans).");
        }

        return new LoadSettings(
            system,
            args.String("storage", "sqlite"),
            args.Int("silos", 3),
            via,
            args.String("configuration", "Release"),
            CityArgs.From(args),
            args.Double("duplicates", 0.05),
            url is null ? null : new Uri(url),
            args.OptionalString("hotline-key"),
            args.OptionalString("admin-key"),
            connection is not null ? OrleansEndpoint.Cluster(connection) : orleansPort > 0 ? OrleansEndpoint.Localhost(orleansPort) : null);
    }

    private static int _mixes;

    /// <summary>
    /// A mix with a seed of its own: a second run on the same system must not repeat the first
    /// run's reports, which would be merged into the first run's cases still open.
    /// </summary>
    public ReportMix Mix() => new(new DemoCityGenerator(City).Buildings(), CategoryCatalog.Default, Duplicates,
        seed: 20261123 + Interlocked.Increment(ref _mixes));

    public async Task<DispatchSystem> StartAsync(CancellationToken cancellationToken)
    {
        var system = System switch
        {
            "embedded" => await DispatchSystem.StartEmbeddedAsync(City, Storage, Configuration, cancellationToken),
            "cluster" => await DispatchSystem.StartClusterAsync(City, Silos, Configuration, cancellationToken),
            _ => DispatchSystem.Existing(Url!, HotlineKey!, AdminKey!, Orleans ?? OrleansEndpoint.Localhost(30000)),
        };
        Console.WriteLine($"[load] {system.Description} is up at {system.Http}");
        if (System != "url")
        {
            try
            {
                await PutGridWorkersOnDutyAsync(system, City, cancellationToken);
            }
            catch
            {
                await system.DisposeAsync();
                throw;
            }
        }

        return system;
    }

    public async Task<ILoadTarget> ConnectAsync(DispatchSystem system, CancellationToken cancellationToken) => Via == "orleans"
        ? await OrleansTarget.ConnectAsync(system.Orleans, $"Orleans client ({system.Orleans}) to the {system.Description}", cancellationToken)
        : new HttpTarget(system.Http, system.HotlineKey, system.AdminKey, $"HTTP to the {system.Description}");

    /// <summary>The generated city leaves some grid workers off duty; every grid needs one on duty for every grid case to reach a worker.</summary>
    public static async Task PutGridWorkersOnDutyAsync(DispatchSystem system, DemoCityOptions city, CancellationToken cancellationToken)
    {
        await using var http = new HttpTarget(system.Http, system.HotlineKey, system.AdminKey, "setup");
        var workers = new DemoCityGenerator(city).Workers().Where(w => w.Role == WorkerRole.GridWorker);
        var loading = TimeSpan.FromMinutes(10);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(workers, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (worker, ct) =>
        {
            // The gateway is healthy once the map is loaded; the demo city's workers are loaded after it.
            while (true)
            {
                try
                {
                    await http.PutOnDutyAsync(worker.Id, ct);
                    return;
                }
                catch (LoadTargetException ex) when (ex.Kind == "HTTP 404" && Stopwatch.GetElapsedTime(started) < loading)
                {
                    await Task.Delay(1000, ct);
                }
            }
        });
    }
}
