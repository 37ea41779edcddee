using System.Globalization;
using Dispatch.Catalog;
using Dispatch.Territory;
using Dispatch.Workforce;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Bench.Baseline;

/// <summary>
/// The baseline's database: its schema (<c>schema.sql</c>, in a PostgreSQL schema of its own so a
/// rerun against the same database starts clean), the city bulk-loaded with binary COPY, and the
/// counts printed after a run.
/// </summary>
public static class BaselineDatabase
{
    /// <summary>The PostgreSQL schema the baseline lives in; dropped and created again by <see cref="CreateAsync"/>.</summary>
    public const string SchemaName = "baseline";

    /// <summary>A connection string whose search path is the baseline's schema.</summary>
    public static string ConnectionString(string connectionString, int maxPoolSize) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        SearchPath = SchemaName,
        MaxPoolSize = maxPoolSize,

        // A conventional application prepares its few statements once per connection.
        MaxAutoPrepare = 16,

        // Under overload a report waits for a pooled connection rather than failing after the default 15 s.
        Timeout = 120,
    }.ConnectionString;

    /// <summary>Drops any earlier baseline schema and creates the tables, indexes and the report function.</summary>
    public static async Task CreateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var resource = typeof(BaselineDatabase).Assembly.GetManifestResourceStream("Dispatch.Bench.Baseline.schema.sql")
            ?? throw new InvalidOperationException("The embedded schema.sql of the baseline is missing.");
        using var reader = new StreamReader(resource);
        var schema = await reader.ReadToEndAsync(cancellationToken);
        await using var command = dataSource.CreateCommand(
            $"DROP SCHEMA IF EXISTS {SchemaName} CASCADE; CREATE SCHEMA {SchemaName}; SET search_path TO {SchemaName};\n{schema}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Loads the access list and the city. Workers are on duty when their generated profile says so,
    /// and every grid worker besides — what the Dispatch load run does before it starts.
    /// </summary>
    public static async Task LoadAsync(NpgsqlDataSource dataSource, DemoCityGenerator city, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await LoadCatalogAsync(connection, catalog, cancellationToken);

        var parents = city.Areas().Where(a => a.ParentId is not null).ToDictionary(a => a.Id, a => a.ParentId!);
        await CopyAsync(connection, "COPY grids (id, community_id, street_id, district_id) FROM STDIN (FORMAT BINARY)", city.Grids(),
            async (writer, grid, ct) =>
            {
                var street = parents[grid.CommunityId];
                await writer.WriteAsync(grid.Id, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(grid.CommunityId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(street, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(parents[street], NpgsqlDbType.Text, ct);
            }, cancellationToken);

        await CopyAsync(connection, "COPY buildings (id, grid_id, name, address, longitude, latitude, households) FROM STDIN (FORMAT BINARY)",
            city.Buildings(), async (writer, building, ct) =>
            {
                await writer.WriteAsync(building.Id, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(building.GridId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(building.Name, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(building.Address, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(building.Longitude, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(building.Latitude, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(building.Households, NpgsqlDbType.Integer, ct);
            }, cancellationToken);

        await CopyAsync(connection, "COPY workers (id, grid_id, name, role, skills, on_duty) FROM STDIN (FORMAT BINARY)",
            city.Workers(), async (writer, worker, ct) =>
            {
                await writer.WriteAsync(worker.Id, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(worker.GridId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(worker.Name, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(worker.Role.ToString(), NpgsqlDbType.Text, ct);
                await writer.WriteAsync(worker.Skills.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await writer.WriteAsync(worker.OnDuty || worker.Role == WorkerRole.GridWorker, NpgsqlDbType.Boolean, ct);
            }, cancellationToken);

        // Fresh statistics, so the planner picks the indexes from the first report on.
        await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>What the tables hold after a run.</summary>
    public static async Task<BaselineCounts> CountAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM buildings),
                   (SELECT count(*) FROM workers WHERE on_duty),
                   (SELECT count(*) FROM assignments),
                   (SELECT coalesce(sum(escalation_level), 0) FROM cases),
                   pg_total_relation_size('cases') + pg_total_relation_size('assignments');
            SELECT status, count(*) FROM cases GROUP BY status ORDER BY status;
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var buildings = reader.GetInt64(0);
        var onDuty = reader.GetInt64(1);
        var assignments = reader.GetInt64(2);
        var escalations = reader.GetInt64(3);
        var bytes = reader.GetInt64(4);
        await reader.NextResultAsync(cancellationToken);
        var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            byStatus[reader.GetString(0)] = reader.GetInt64(1);
        }

        return new BaselineCounts(buildings, onDuty, byStatus, assignments, escalations, bytes);
    }

    private static async Task LoadCatalogAsync(NpgsqlConnection connection, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var category in catalog.Categories)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO categories (code, skill, owner, urgency, accept_within, resolve_within) VALUES ($1, $2, $3, $4, $5, $6)")
            {
                Parameters =
                {
                    new() { Value = category.Code },
                    new() { Value = category.Skill },
                    new() { Value = category.Owner },
                    new() { Value = category.Urgency.ToString() },
                    new() { Value = category.AcceptWithin },
                    new() { Value = category.ResolveWithin },
                },
            });
        }

        OrgLevel[] escalatedTo = [OrgLevel.Community, OrgLevel.Street, OrgLevel.District];
        foreach (var urgency in Enum.GetValues<Urgency>())
        {
            for (var level = 1; level <= escalatedTo.Length; level++)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO escalation_windows (urgency, level, sit_for) VALUES ($1, $2, $3)")
                {
                    Parameters =
                    {
                        new() { Value = urgency.ToString() },
                        new() { Value = level },
                        new() { Value = catalog.EscalationWindow(urgency, escalatedTo[level - 1]) },
                    },
                });
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows,
        Func<NpgsqlBinaryImporter, T, CancellationToken, Task> writeRow, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            await writeRow(writer, row, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }
}

/// <summary>The baseline's tables after a run.</summary>
public sealed record BaselineCounts(
    long Buildings,
    long WorkersOnDuty,
    IReadOnlyDictionary<string, long> CasesByStatus,
    long Assignments,
    long Escalations,
    long CaseBytes)
{
    public void Print(TextWriter output) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  tables: {Buildings:N0} buildings, {WorkersOnDuty:N0} workers on duty; {CasesByStatus.Values.Sum():N0} cases ({string.Join(", ", CasesByStatus.Select(s => $"{s.Key} {s.Value:N0}"))}), {Assignments:N0} assignments, {Escalations:N0} escalations; cases + assignments {Stats.MachineSummary.Mib(CaseBytes)} on disk"));
}
