using Dispatch.Persistence;
using Npgsql;

namespace Dispatch.Tests.Postgres;

/// <summary>
/// The journal tests on PostgreSQL share one throwaway server (starting one takes seconds) and run
/// one class at a time on it; each test gets a database of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class JournalDatabases : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL journal";

    private static int _next;

    /// <summary>A new database with the schema applied; its connection string.</summary>
    public static async Task<string> CreateAsync(PostgresServer server, string purpose)
    {
        var connection = await server.CreateDatabaseAsync($"{purpose}_{Interlocked.Increment(ref _next)}");
        await SchemaMigrator.ApplyAsync(connection);
        return connection;
    }

    /// <summary>Runs SQL behind the journal's back.</summary>
    public static async Task<int> ExecuteAsync(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return await command.ExecuteNonQueryAsync();
    }
}
