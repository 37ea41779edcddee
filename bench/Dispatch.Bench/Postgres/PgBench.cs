using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Dispatch.Bench.Postgres;

/// <summary>What pgbench measured, and the command that measured it (to repeat it by hand).</summary>
public sealed record PgBenchResult(int Clients, int Threads, TimeSpan Duration, double Tps, double AverageLatencyMs, string CommandLine, string Script)
{
    public void Print(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[pgbench] single-row grain-state writes, one commit each: {Tps:N0} commits/s, latency average {AverageLatencyMs:F2} ms ({Clients} clients, {Threads} threads, {Duration.TotalSeconds:N0} s)"));
        output.WriteLine($"  command: {CommandLine}");
        output.WriteLine($"  script (-f): {Script.ReplaceLineEndings(" ; ")}");
    }
}

/// <summary>
/// PostgreSQL's ceiling for what an Orleans ADO.NET grain-state write costs it: one transaction
/// that updates one row of about 600 bytes by primary key and commits (fsync on), run by pgbench
/// over loopback TCP with prepared statements — the same path an Npgsql client takes.
/// </summary>
public static partial class PgBench
{
    private const string Database = "pgbench";
    private const int Rows = 100_000;

    /// <summary>
    /// One grain write: a random row, its version bumped and its payload replaced with 608 fresh
    /// bytes (38 × 16 bytes of md5), as a grain's serialised state is written whole.
    /// </summary>
    private static readonly string Script = string.Create(CultureInfo.InvariantCulture, $"""
        \set id random(1, {Rows})
        UPDATE grain_state SET version = version + 1, payload = decode(repeat(md5(random()::text), 38), 'hex') WHERE id = :id;
        """);

    /// <summary>Creates the pgbench database on <paramref name="server"/>, fills it and runs pgbench against it.</summary>
    public static async Task<PgBenchResult> RunAsync(ThrowawayPostgres server, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (clients < 1 || duration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("pgbench needs at least 1 client and 1 second.");
        }

        var connectionString = await server.CreateDatabaseAsync(Database, cancellationToken);
        await FillAsync(connectionString, cancellationToken);

        var scriptFile = Path.Combine(Path.GetTempPath(), $"dispatch-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(scriptFile, Script + "\n", cancellationToken);
        try
        {
            // pgbench's threads beyond twice the cores only add scheduling; fewer than the clients is normal.
            var threads = Math.Min(clients, 2 * Environment.ProcessorCount);
            var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
            string[] arguments =
            [
                "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-n", "-M", "prepared",
                "-c", clients.ToString(CultureInfo.InvariantCulture),
                "-j", threads.ToString(CultureInfo.InvariantCulture),
                "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-f", scriptFile,
                Database,
            ];
            var output = await PostgresTool.RunAsync(server.Tool("pgbench"), arguments, asPostgres: true, cancellationToken);
            return new PgBenchResult(clients, threads, TimeSpan.FromSeconds(seconds),
                Figure(TpsLine(), output, "tps"), Figure(LatencyLine(), output, "latency average"),
                PostgresTool.CommandLine(server.Tool("pgbench"), arguments, asPostgres: true), Script);
        }
        finally
        {
            File.Delete(scriptFile);
        }
    }

    /// <summary>The grain-state table, filled and vacuumed so the run starts from a settled table.</summary>
    private static async Task FillAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var fill = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"""
            CREATE TABLE grain_state (id bigint PRIMARY KEY, version int NOT NULL, payload bytea NOT NULL);
            INSERT INTO grain_state SELECT g, 0, decode(repeat(md5(g::text), 38), 'hex') FROM generate_series(1, {Rows}) g;
            """), connection))
        {
            fill.CommandTimeout = 300;
            await fill.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE grain_state", connection) { CommandTimeout = 300 };
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }

    private static double Figure(Regex pattern, string output, string name)
    {
        var match = pattern.Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no '{name}' figure:\n{output}");
    }

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();
}
