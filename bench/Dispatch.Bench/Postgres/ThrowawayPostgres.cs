using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dispatch.Bench.Postgres;

/// <summary>
/// A PostgreSQL server of its own for one bench run, started the way <c>scripts/cluster</c> starts
/// the cluster's: a fresh data folder, trust authentication on loopback, 300 connections, and
/// <c>fsync</c> and <c>synchronous_commit</c> on, so every commit is as durable as in production.
/// Disposing stops it and deletes its folder.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string User = "postgres";

    private readonly string _folder;
    private bool _started;

    private ThrowawayPostgres(string binDirectory, string folder, int port, string database)
    {
        BinDirectory = binDirectory;
        _folder = folder;
        Port = port;
        ConnectionString = ConnectionStringFor(database);
    }

    /// <summary>The PostgreSQL binaries this server runs (initdb, pg_ctl, pgbench...).</summary>
    public string BinDirectory { get; }

    public int Port { get; }

    /// <summary>The database named at start, in Npgsql form.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>Initialises and starts a server on a free loopback port and creates <paramref name="database"/> on it.</summary>
    public static async Task<ThrowawayPostgres> StartAsync(string database, CancellationToken cancellationToken)
    {
        var bin = await PostgresTool.FindBinDirectoryAsync(cancellationToken);
        var folder = Directory.CreateTempSubdirectory("dispatch-bench-pg-").FullName;
        var server = new ThrowawayPostgres(bin, folder, FreeLoopbackPort(), database);
        try
        {
            await server.InitialiseAndStartAsync(cancellationToken);
            await server.CreateDatabaseAsync(database, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates another database on this server (the baseline beside Dispatch's) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await PostgresTool.RunAsync(Tool("createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, database],
            asPostgres: true, cancellationToken);
        return ConnectionStringFor(database);
    }

    /// <summary>The Npgsql connection string of a database on this server, with a pool of <paramref name="maxPoolSize"/>.</summary>
    public string ConnectionStringFor(string database, int maxPoolSize = 100) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        MaxPoolSize = maxPoolSize,
    }.ConnectionString;

    /// <summary>The path of one of the server's binaries.</summary>
    public string Tool(string name) => Path.Combine(BinDirectory, name);

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            try
            {
                await PostgresTool.RunAsync(Tool("pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], asPostgres: true, CancellationToken.None);
            }
            catch (InvalidOperationException ex)
            {
                // Still delete the folder; say so rather than leave a server running unnoticed.
                Console.Error.WriteLine($"[postgres] stopping the throwaway server failed: {ex.Message}");
            }
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task InitialiseAndStartAsync(CancellationToken cancellationToken)
    {
        if (PostgresTool.RunningAsRoot)
        {
            // The server runs as postgres and insists that its folders are private to it; the temp
            // folder is already mode 700 (CreateTempSubdirectory), so only its owner changes.
            await PostgresTool.RunAsync("chown", [User, _folder], asPostgres: false, cancellationToken);
        }

        await PostgresTool.RunAsync(Tool("initdb"), ["-D", DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--no-sync"],
            asPostgres: true, cancellationToken);

        var settings = string.Create(CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='{_folder}' -c max_connections=300 -c fsync=on");
        try
        {
            _started = true;
            await PostgresTool.RunAsync(Tool("pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-w", "-o", settings, "start"],
                asPostgres: true, cancellationToken);
        }
        catch (InvalidOperationException ex) when (File.Exists(LogFile))
        {
            throw new InvalidOperationException($"{ex.Message}\nserver log:\n{await File.ReadAllTextAsync(LogFile, cancellationToken)}", ex);
        }
    }

    /// <summary>A loopback port nobody listens on now (the OS picks it; free again once the probe closes).</summary>
    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
