using System.Diagnostics;
using Dispatch.Testing;
using Npgsql;

namespace Dispatch.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for the tests: the machine's binaries (<c>pg_config --bindir</c>),
/// a fresh data folder under the temp folder, a free loopback port, stopped and deleted at the end.
/// PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-pg-{Guid.NewGuid():N}");
    private string _bin = "";

    public int Port { get; private set; }

    /// <summary>A database of its own for each caller, so tests do not see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    public async Task InitializeAsync()
    {
        _bin = (await Run("pg_config", "--bindir", asPostgres: false)).Trim();
        Port = LocalMachine.FreePort();
        Directory.CreateDirectory(_folder);
        if (IsRoot)
        {
            await Run("chown", $"postgres {_folder}", asPostgres: false);
        }

        var data = Path.Combine(_folder, "data");
        await Run(Path.Combine(_bin, "initdb"), $"-D {data} -U postgres -A trust -E UTF8 --no-sync", asPostgres: true);
        await Run(Path.Combine(_bin, "pg_ctl"),
            $"-D {data} -l {Path.Combine(_folder, "log")} -w -t 60 -o \"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start",
            asPostgres: true);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await Run(Path.Combine(_bin, "pg_ctl"), $"-D {Path.Combine(_folder, "data")} -m immediate -w stop", asPostgres: true);
        }
        finally
        {
            // The server's log outlives the server, for a failed test to be explained.
            File.Copy(Path.Combine(_folder, "log"), Path.Combine(Path.GetTempPath(), "dispatch-pg-last.log"), overwrite: true);
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task<string> Run(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await error}{await output}");
        }

        return await output;
    }
}
