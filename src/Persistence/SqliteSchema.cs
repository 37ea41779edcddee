using Microsoft.Data.Sqlite;

namespace Dispatch.Persistence;

/// <summary>
/// The embedded silo's SQLite schema (<c>Schema/sqlite</c>). Every statement in it is idempotent,
/// so it simply runs at every start; there is no ledger to keep.
/// </summary>
public static class SqliteSchema
{
    private const string Prefix = "Schema/sqlite/";

    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var script in typeof(SqliteSchema).Assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            await using var stream = typeof(SqliteSchema).Assembly.GetManifestResourceStream(script)!;
            using var reader = new StreamReader(stream);
            await using var command = new SqliteCommand(await reader.ReadToEndAsync(cancellationToken), connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
