using System.Diagnostics;
using System.Globalization;
using Dispatch.Territory;
using Dispatch.Testing;

namespace Dispatch.Bench.Load;

/// <summary>
/// The real Dispatch the bench drives, started from the binaries of a Release build: the embedded
/// gateway (one process, SQLite or in-memory state), or <c>scripts/cluster</c> (a throwaway
/// PostgreSQL, silo processes and the gateway as an Orleans client). Both get bench-only API keys
/// and a rate limit high enough not to be what is measured.
/// </summary>
public sealed class DispatchSystem : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly Dictionary<string, string> _environment;
    private readonly bool _cluster;
    private StreamWriter? _log;

    private DispatchSystem(string description, Uri http, OrleansEndpoint orleans, string folder, Process? process, Dictionary<string, string> environment,
        bool cluster, string? postgres, (string Hotline, string Admin) keys)
    {
        Description = description;
        HotlineKey = keys.Hotline;
        AdminKey = keys.Admin;
        Http = http;
        Orleans = orleans;
        Folder = folder;
        _process = process;
        _environment = environment;
        _cluster = cluster;
        PostgresConnection = postgres;
    }

    public string Description { get; }

    public Uri Http { get; }

    public OrleansEndpoint Orleans { get; }

    /// <summary>Logs (and, embedded, the SQLite file) of this run.</summary>
    public string Folder { get; }

    /// <summary>Cluster mode: the throwaway PostgreSQL that holds the grains' state.</summary>
    public string? PostgresConnection { get; }

    public string HotlineKey { get; }

    public string AdminKey { get; }

    public static string RepositoryRoot => LocalMachine.RepositoryRoot;

    /// <param name="storage"><c>sqlite</c> (the embedded default, durable) or <c>memory</c>.</param>
    public static async Task<DispatchSystem> StartEmbeddedAsync(DemoCityOptions city, string storage, string configuration, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("dispatch-bench-").FullName;
        var http = LocalMachine.FreePort();
        var silo = LocalMachine.FreePort();
        var gateway = LocalMachine.FreePort();
        var environment = CommonSettings(city);
        environment["Urls"] = $"http://127.0.0.1:{http}";
        environment["Orleans__Endpoints__SiloPort"] = Invariant(silo);
        environment["Orleans__Endpoints__GatewayPort"] = Invariant(gateway);
        environment["Dispatch__Storage__Provider"] = storage;
        environment["Dispatch__Storage__DataFolder"] = folder;
        var keys = NewKeys(environment);

        var dll = Binary("Gateway", "Dispatch.Gateway.dll", configuration);
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\"") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var log = new StreamWriter(Path.Combine(folder, "gateway.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new DispatchSystem($"embedded gateway ({storage})", new Uri($"http://127.0.0.1:{http}"), OrleansEndpoint.Localhost(gateway),
            folder, process, environment, cluster: false, postgres: null, keys) { _log = log };
        try
        {
            await started.WaitHealthy(() => process.HasExited, TimeSpan.FromMinutes(10), cancellationToken);
        }
        catch
        {
            // The folder and its log stay for the reader of the error; the process does not.
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    public static async Task<DispatchSystem> StartClusterAsync(DemoCityOptions city, int silos, string configuration, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"dispatch-bench-cluster-{Guid.NewGuid():N}");
        var http = LocalMachine.FreePort();
        var postgres = LocalMachine.FreePort();
        var orleansPorts = LocalMachine.FreePortRange(2 * silos);
        var environment = CommonSettings(city);
        environment["DISPATCH_CLUSTER_DIR"] = folder;
        environment["DISPATCH_NO_BUILD"] = "1";
        environment["DISPATCH_CONFIGURATION"] = configuration;
        environment["DISPATCH_SILOS"] = Invariant(silos);
        // One gateway, no balancer: the figures stay comparable with the runs before scripts/cluster started two.
        environment["DISPATCH_GATEWAYS"] = "1";
        environment["DISPATCH_PG_PORT"] = Invariant(postgres);
        environment["DISPATCH_HTTP_PORT"] = Invariant(http);
        environment["DISPATCH_SILO_PORT"] = Invariant(orleansPorts);
        environment["DISPATCH_GATEWAY_PORT"] = Invariant(orleansPorts + silos);
        var connection = $"Host=127.0.0.1;Port={postgres};Username=postgres;Database=dispatch";

        var keys = NewKeys(environment);

        var script = Process.Start(Script("up", environment))!;
        var started = new DispatchSystem($"cluster ({silos} silos, PostgreSQL)", new Uri($"http://127.0.0.1:{http}"),
            OrleansEndpoint.Cluster(connection), folder, script, environment, cluster: true, postgres: connection, keys);
        script.OutputDataReceived += (_, e) => Console.WriteLine(e.Data);
        script.ErrorDataReceived += (_, e) => Console.Error.WriteLine(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        var ready = Path.Combine(folder, "ready");
        var deadline = Stopwatch.GetTimestamp();
        while (!File.Exists(ready))
        {
            if (script.HasExited || Stopwatch.GetElapsedTime(deadline) > TimeSpan.FromMinutes(10))
            {
                await started.DisposeAsync();
                throw new InvalidOperationException($"The cluster did not become ready; see the logs in {folder}.");
            }

            await Task.Delay(250, cancellationToken);
        }

        return started;
    }

    /// <summary>A Dispatch started elsewhere (any mode), reached with the keys given.</summary>
    public static DispatchSystem Existing(Uri http, string hotlineKey, string adminKey, OrleansEndpoint orleans)
    {
        return new DispatchSystem($"running system at {http}", http, orleans, Path.GetTempPath(), null, [], cluster: false, postgres: null, (hotlineKey, adminKey));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster)
        {
            using var down = Process.Start(Script("down", _environment))!;
            await down.WaitForExitAsync();
            if (_process is not null && !_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        else if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private static Dictionary<string, string> CommonSettings(DemoCityOptions city)
    {
        var settings = CityArgs.AsEnvironment(city);
        // The bench measures Dispatch, not the per-key limiter guarding it.
        settings["Gateway__RateLimit__PermitsPerSecond"] = "10000000";
        settings["Gateway__RateLimit__Burst"] = "10000000";
        settings["Logging__LogLevel__Default"] = "Warning";
        settings["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        return settings;
    }

    /// <summary>A hotline and an admin key of this run only, added to the settings.</summary>
    private static (string Hotline, string Admin) NewKeys(Dictionary<string, string> settings)
    {
        var keys = ($"bench-hotline-{Guid.NewGuid():N}", $"bench-admin-{Guid.NewGuid():N}");
        settings["Gateway__ApiKeys__0__Key"] = keys.Item1;
        settings["Gateway__ApiKeys__0__Name"] = "bench-hotline";
        settings["Gateway__ApiKeys__0__Role"] = "hotline";
        settings["Gateway__ApiKeys__1__Key"] = keys.Item2;
        settings["Gateway__ApiKeys__1__Name"] = "bench-admin";
        settings["Gateway__ApiKeys__1__Role"] = "admin";
        return keys;
    }

    private async Task WaitHealthy(Func<bool> exited, TimeSpan within, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (exited() || Stopwatch.GetElapsedTime(started) > within)
            {
                throw new InvalidOperationException($"{Description} did not become healthy; see {Folder}.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private static string Binary(string project, string dll, string configuration)
    {
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path
            : throw new InvalidOperationException($"{path} is missing: run `dotnet build Dispatch.sln -c {configuration}` first.");
    }

    private static ProcessStartInfo Script(string arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash", $"\"{Path.Combine(RepositoryRoot, "scripts", "cluster")}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
