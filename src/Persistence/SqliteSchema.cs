using Microsoft.Data.Sqlite;

namespace Dispatch.Persistence;

/// <summary>
/// The embedded silo's SQLite schema (<c>Schema/sqlite</c>). Every statement in it is idempotent,
/// so it simply runs at every start; there is no ledger to keep. A file whose grain-state table
/// still has the old WITHOUT ROWID shape is rebuilt into the script's shape on the way.
/// </summary>
public static class SqliteSchema
{
    private const string Prefix = "Schema/sqlite/";

    /// <summary>Where the rows of an old-shaped grain-state table wait while the script creates the new one.</summary>
    private const string OldStorage = "OrleansStorage_without_rowid";

    private const string StorageColumns =
        "ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, GrainIdHash, GrainTypeHash, PayloadBinary, ModifiedOn, Version";

    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (await Scalar(connection, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'OrleansStorage'", cancellationToken) is string table
            && table.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            await Execute(connection, $"ALTER TABLE OrleansStorage RENAME TO {OldStorage}", cancellationToken);
        }

        foreach (var script in typeof(SqliteSchema).Assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            await using var stream = typeof(SqliteSchema).Assembly.GetManifestResourceStream(script)!;
            using var reader = new StreamReader(stream);
            await Execute(connection, await reader.ReadToEndAsync(cancellationToken), cancellationToken);
        }

        // Each step can be cut short and redone: the rename happens once, the copy skips rows it
        // already made, and the old table goes in the same transaction as the last copy.
        if (await Scalar(connection, $"SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '{OldStorage}'", cancellationToken) is not null)
        {
            await using var transaction = connection.BeginTransaction();
            await Execute(connection, $"INSERT INTO OrleansStorage ({StorageColumns}) SELECT {StorageColumns} FROM {OldStorage} WHERE true ON CONFLICT DO NOTHING; "
                + $"DROP TABLE {OldStorage};", cancellationToken, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = new SqliteCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
