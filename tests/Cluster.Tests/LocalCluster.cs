using System.Diagnostics;
using System.Text;
using Dispatch.Testing;

namespace Dispatch.Cluster.Tests;

/// <summary>
/// Runs <c>scripts/cluster up</c> — a throwaway PostgreSQL, three silo processes and the gateway as an
/// Orleans client (one unless <c>DISPATCH_GATEWAYS</c> asks for more), all on free loopback ports —
/// from the binaries this test run built, and stops it with <c>scripts/cluster down</c>.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, string> _environment;

    private readonly int _firstSiloPort;

    private LocalCluster(Process script, Dictionary<string, string> environment, int httpPort, int postgresPort, int firstSiloPort, string folder)
    {
        _firstSiloPort = firstSiloPort;
        _script = script;
        _environment = environment;
        Http = new Uri($"http://127.0.0.1:{httpPort}");
        ConnectionString = $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Database=dispatch";
        Folder = folder;
        script.OutputDataReceived += (_, e) => Append(e.Data);
        script.ErrorDataReceived += (_, e) => Append(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
    }

    /// <summary>The API: the balancer, or the only gateway.</summary>
    public Uri Http { get; }

    /// <summary>Each gateway's own address, gateway 1 first.</summary>
    public IReadOnlyList<Uri> Gateways { get; private set; } = [];

    public string ConnectionString { get; }

    /// <summary>Which of <paramref name="ids"/> have a case in the journal.</summary>
    public async Task<HashSet<string>> StoredIncidentsAsync(IEnumerable<string> ids)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT DISTINCT stream FROM dispatch_journal WHERE stream = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var stored = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    /// <summary>Where the script keeps its pids and the processes' logs.</summary>
    public string Folder { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<LocalCluster> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan readyWithin)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"dispatch-cluster-{Guid.NewGuid():N}");
        var httpPort = LocalMachine.FreePort();
        var postgresPort = LocalMachine.FreePort();
        // One range for both, so the silo ports and the Orleans gateway ports cannot overlap.
        var orleansPorts = LocalMachine.FreePortRange(6);
        var gateways = settings.TryGetValue("DISPATCH_GATEWAYS", out var count) ? int.Parse(count) : 1;
        var environment = new Dictionary<string, string>(settings)
        {
            ["DISPATCH_GATEWAYS"] = gateways.ToString(),
            ["DISPATCH_GATEWAY_HTTP_PORT"] = LocalMachine.FreePortRange(gateways).ToString(),
            ["DISPATCH_CLUSTER_DIR"] = folder,
            ["DISPATCH_NO_BUILD"] = "1",
            ["DISPATCH_CONFIGURATION"] = BuildConfiguration,
            ["DISPATCH_PG_PORT"] = postgresPort.ToString(),
            ["DISPATCH_HTTP_PORT"] = httpPort.ToString(),
            ["DISPATCH_SILO_PORT"] = orleansPorts.ToString(),
            ["DISPATCH_GATEWAY_PORT"] = (orleansPorts + 3).ToString(),
            ["Orleans__ClusterId"] = $"test-{Guid.NewGuid():N}",
        };

        var script = Process.Start(Script("up", environment))!;
        var cluster = new LocalCluster(script, environment, httpPort, postgresPort, orleansPorts, folder);
        var ready = Path.Combine(folder, "ready");
        var deadline = DateTime.UtcNow + readyWithin;
        while (!File.Exists(ready))
        {
            if (script.HasExited || DateTime.UtcNow > deadline)
            {
                var output = cluster.Output + cluster.Logs();
                await cluster.DisposeAsync();
                throw new InvalidOperationException($"The cluster did not become ready:\n{output}");
            }

            await Task.Delay(250);
        }

        cluster.Gateways = [.. File.ReadAllLines(Path.Combine(folder, "gateways")).Where(l => l.Length > 0).Select(l => new Uri(l))];
        return cluster;
    }

    /// <summary>The silo-to-silo port of silo <paramref name="silo"/> (1-based), as it appears in the membership table.</summary>
    public int SiloPort(int silo) => _firstSiloPort + silo - 1;

    /// <summary>SIGKILL, not a graceful stop: the silo gets no chance to hand anything over.</summary>
    public async Task KillSiloAsync(int silo)
    {
        using var kill = Process.Start(Script($"kill-silo {silo}", _environment))!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL of gateway <paramref name="gateway"/> (1-based): whatever it was answering is cut off.</summary>
    public async Task KillGatewayAsync(int gateway)
    {
        using var kill = Process.Start(Script($"kill-gateway {gateway}", _environment))!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Stops PostgreSQL at once (<c>pg_ctl -m immediate</c>), or starts it again on the same data.</summary>
    public async Task DatabaseAsync(bool running)
    {
        using var command = Process.Start(Script(running ? "start-db" : "stop-db", _environment))!;
        await command.WaitForExitAsync();
        Assert.Equal(0, command.ExitCode);
    }

    /// <summary>The tail of every process's log, for a failed test to be explained.</summary>
    public string Logs(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var log in Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.log") : [])
        {
            text.AppendLine($"--- {Path.GetFileName(log)}");
            foreach (var line in File.ReadLines(log).TakeLast(lines))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        using (var down = Process.Start(Script("down", _environment))!)
        {
            await down.WaitForExitAsync();
        }

        if (!_script.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            _script.Kill(entireProcessTree: true);
        }

        _script.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static ProcessStartInfo Script(string arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash", $"{Path.Combine(RepositoryRoot, "scripts", "cluster")} {arguments}")
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

    public static string RepositoryRoot => LocalMachine.RepositoryRoot;

    /// <summary>The configuration this test assembly was built in (…/bin/{Configuration}/net10.0/).</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
