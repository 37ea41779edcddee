using Dispatch.Persistence;
using Microsoft.Data.Sqlite;

namespace Dispatch.Tests.Storage;

/// <summary>The embedded silo's SQLite script against the storage provider's contract, query by query.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dispatch-schema-{Guid.NewGuid():N}.db");

    private string ConnectionString => $"Data Source={_file};Pooling=False";

    [Fact]
    public async Task The_script_applies_twice_and_keeps_rows()
    {
        await SqliteSchema.ApplyAsync(ConnectionString);
        Assert.Equal(1L, await Write("grid", "G1", version: null, payload: [1]));
        await SqliteSchema.ApplyAsync(ConnectionString);

        await AssertStored("grid", "G1", [1], 1);
    }

    [Fact]
    public async Task A_register_without_the_assessment_columns_gains_them_and_is_refilled_from_the_journal()
    {
        await SqliteSchema.ApplyAsync(ConnectionString);
        await using (var connection = await Open())
        {
            // A register as files made before 2026-12 have it: a line, a checkpoint past it, no extensions or appeals.
            await using var old = new SqliteCommand("""
                ALTER TABLE dispatch_case_register DROP COLUMN extensions;
                ALTER TABLE dispatch_case_register DROP COLUMN appeals;
                INSERT INTO dispatch_case_register (id, reported_at, updated_at, status, category, tracker, escalated, escalations, rework_count, version, state)
                    VALUES ('20261101-000000000001', 1, 1, 0, 'noise', 'grid:G1', 0, 0, 0, 1, x'00');
                UPDATE dispatch_projections SET tx = 5, position = 9 WHERE name = 'register';
                """, connection);
            await old.ExecuteNonQueryAsync();
        }

        await SqliteSchema.ApplyAsync(ConnectionString);
        await SqliteSchema.ApplyAsync(ConnectionString);

        await using var check = await Open();
        await using var columns = new SqliteCommand("SELECT count(*) FROM pragma_table_info('dispatch_case_register') WHERE name IN ('extensions', 'appeals')", check);
        Assert.Equal(2L, await columns.ExecuteScalarAsync());
        await using var lines = new SqliteCommand("SELECT count(*) FROM dispatch_case_register", check);
        Assert.Equal(0L, await lines.ExecuteScalarAsync());
        await using var checkpoint = new SqliteCommand("SELECT tx || ':' || position FROM dispatch_projections WHERE name = 'register'", check);
        Assert.Equal("0:0", await checkpoint.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_file_with_the_old_WITHOUT_ROWID_table_is_rebuilt_with_its_rows()
    {
        await using (var connection = await Open())
        {
            // The table as files made before 2026-12 have it, with a state of megabytes among small ones.
            await using var create = new SqliteCommand("""
                CREATE TABLE OrleansStorage (ServiceId TEXT NOT NULL, GrainTypeString TEXT NOT NULL, GrainIdN0 INTEGER NOT NULL,
                    GrainIdN1 INTEGER NOT NULL, GrainIdExtensionString TEXT NOT NULL, GrainIdHash INTEGER NOT NULL, GrainTypeHash INTEGER NOT NULL,
                    PayloadBinary BLOB NULL, ModifiedOn TEXT NOT NULL, Version INTEGER NOT NULL,
                    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)) WITHOUT ROWID;
                INSERT INTO OrleansStorage VALUES ('test', 'grid', 0, 0, 'G1', $g1, $grid, x'01', '2026-11-01T00:00:00.000Z', 3);
                INSERT INTO OrleansStorage VALUES ('test', 'territory', 0, 0, 'demo', $demo, $territory, zeroblob(3000000), '2026-11-01T00:00:00.000Z', 7);
                """, connection);
            // The hashes as Command binds them (string hashes differ from process to process).
            create.Parameters.AddWithValue("$g1", "G1".GetHashCode());
            create.Parameters.AddWithValue("$grid", "grid".GetHashCode());
            create.Parameters.AddWithValue("$demo", "demo".GetHashCode());
            create.Parameters.AddWithValue("$territory", "territory".GetHashCode());
            await create.ExecuteNonQueryAsync();
        }

        await SqliteSchema.ApplyAsync(ConnectionString);
        await SqliteSchema.ApplyAsync(ConnectionString);

        await using (var connection = await Open())
        {
            await using var shape = new SqliteCommand("SELECT group_concat(name || ':' || sql, ' | ') FROM sqlite_schema WHERE name LIKE 'OrleansStorage%'", connection);
            var tables = (string)(await shape.ExecuteScalarAsync())!;
            Assert.DoesNotContain("WITHOUT ROWID", tables, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("OrleansStorage_without_rowid", tables, StringComparison.Ordinal);
        }

        await AssertStored("grid", "G1", [1], 3);
        Assert.Equal(3_000_000, (await Read("territory", "demo")).Payload!.Length);
        Assert.Equal(4L, await Write("grid", "G1", version: 3, payload: [2]));
        Assert.Null(await Write("grid", "G1", version: null, payload: [3]));
    }

    [Fact]
    public async Task Writes_follow_the_expected_version_and_report_conflicts()
    {
        await SqliteSchema.ApplyAsync(ConnectionString);

        Assert.Equal(1L, await Write("incident", "A", version: null, payload: [1]));
        Assert.Equal(2L, await Write("incident", "A", version: 1, payload: [2]));
        // A stale writer gets its own version back: the provider's signal for a conflict.
        Assert.Equal(1L, await Write("incident", "A", version: 1, payload: [3]));
        // A second first write finds the row and answers nothing.
        Assert.Null(await Write("incident", "A", version: null, payload: [4]));
        await AssertStored("incident", "A", [2], 2);

        // The same key under another state name is another row.
        Assert.Equal(1L, await Write("grid", "A", version: null, payload: [9]));
        await AssertStored("incident", "A", [2], 2);
    }

    [Fact]
    public async Task Clearing_empties_the_payload_and_moves_the_version()
    {
        await SqliteSchema.ApplyAsync(ConnectionString);
        await Write("incident", "B", version: null, payload: [1]);

        Assert.Equal(2L, await Run("ClearStorageKey", "incident", "B", version: 1, payload: null));
        Assert.Equal(1L, await Run("ClearStorageKey", "incident", "B", version: 1, payload: null));
        var (payload, version) = await Read("incident", "B");
        Assert.Null(payload);
        Assert.Equal(2L, version);
    }

    private async Task AssertStored(string state, string key, byte[] payload, long version)
    {
        var stored = await Read(state, key);
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(version, stored.Version);
    }

    private Task<long?> Write(string state, string key, long? version, byte[] payload) => Run("WriteToStorageKey", state, key, version, payload);

    private async Task<long?> Run(string queryKey, string state, string key, long? version, byte[]? payload)
    {
        await using var connection = await Open();
        await using var command = Command(connection, await Query(connection, queryKey), state, key, version, payload);
        await using var reader = await command.ExecuteReaderAsync();
        long? answer = null;
        do
        {
            while (await reader.ReadAsync())
            {
                Assert.Null(answer);
                answer = reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync());

        return answer;
    }

    private async Task<(byte[]? Payload, long Version)> Read(string state, string key)
    {
        await using var connection = await Open();
        await using var command = Command(connection, await Query(connection, "ReadFromStorageKey"), state, key, version: null, payload: null);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var result = (reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt64(1));
        Assert.False(await reader.ReadAsync());
        return result;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string state, string key, long? version, byte[]? payload)
    {
        var command = new SqliteCommand(sql, connection);
        command.Parameters.AddWithValue("@GrainIdHash", key.GetHashCode());
        command.Parameters.AddWithValue("@GrainIdN0", 0L);
        command.Parameters.AddWithValue("@GrainIdN1", 0L);
        command.Parameters.AddWithValue("@GrainTypeHash", state.GetHashCode());
        command.Parameters.AddWithValue("@GrainTypeString", state);
        command.Parameters.AddWithValue("@GrainIdExtensionString", key);
        command.Parameters.AddWithValue("@ServiceId", "test");
        command.Parameters.AddWithValue("@GrainStateVersion", (object?)version ?? DBNull.Value);
        command.Parameters.AddWithValue("@PayloadBinary", (object?)payload ?? DBNull.Value);
        return command;
    }

    private static async Task<string> Query(SqliteConnection connection, string key)
    {
        await using var command = new SqliteCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("@key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<SqliteConnection> Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public void Dispose()
    {
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
