using Dispatch.Persistence;
using Npgsql;

namespace Dispatch.Tests.Postgres;

public sealed class SchemaTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task The_schema_applies_once_and_a_second_run_changes_nothing()
    {
        var connection = await server.CreateDatabaseAsync("schema_twice");

        var first = await SchemaMigrator.ApplyAsync(connection);
        var snapshot = await Snapshot(connection);
        var second = await SchemaMigrator.ApplyAsync(connection);

        Assert.Equal(SchemaMigrator.Scripts, first);
        Assert.Empty(second);
        Assert.Equal(snapshot, await Snapshot(connection));
    }

    [Fact]
    public async Task Every_query_the_providers_read_is_there()
    {
        var connection = await server.CreateDatabaseAsync("schema_keys");
        await SchemaMigrator.ApplyAsync(connection);

        string[] required =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
            "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        var keys = await Strings(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;");
        Assert.Empty(required.Except(keys));
    }

    [Fact]
    public async Task Migrations_started_together_apply_each_script_once()
    {
        var connection = await server.CreateDatabaseAsync("schema_race");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SchemaMigrator.ApplyAsync(connection)));

        Assert.Equal(SchemaMigrator.Scripts, runs.SelectMany(r => r).Order(StringComparer.Ordinal));
    }

    private static async Task<string> Snapshot(string connection) => string.Join("\n",
        string.Join(",", await Strings(connection, "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1;")),
        string.Join(",", await Strings(connection, "SELECT QueryKey || ':' || md5(QueryText) FROM OrleansQuery ORDER BY 1;")),
        string.Join(",", await Strings(connection, $"SELECT script FROM {SchemaMigrator.LedgerTable} ORDER BY 1;")));

    private static async Task<List<string>> Strings(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await using var rows = await command.ExecuteReaderAsync();
        var list = new List<string>();
        while (await rows.ReadAsync())
        {
            list.Add(rows.GetString(0));
        }

        return list;
    }
}
