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

        await AddRegisterColumns(connection, cancellationToken);

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

    /// <summary>
    /// Columns the register gained after its table was first made (SQLite has no ADD COLUMN IF NOT
    /// EXISTS). A register that gains one is emptied and its checkpoint reset in the same
    /// transaction, so the projector fills it again from the journal, the new column included.
    /// </summary>
    private static readonly (string Name, string Definition)[] AddedRegisterColumns =
    [
        ("extensions", "INTEGER NOT NULL DEFAULT 0"),
        ("appeals", "INTEGER NOT NULL DEFAULT 0"),
        ("reporter_phone", "TEXT NULL"),
        ("filed_at", "INTEGER NULL"),
        ("contact_missed", "INTEGER NOT NULL DEFAULT 0"),
        ("co_units", "TEXT NULL"),
    ];

    private const string PhoneIndex = "CREATE INDEX IF NOT EXISTS ix_dispatch_case_register_phone ON dispatch_case_register (reporter_phone, reported_at DESC, id DESC) "
        + "WHERE reporter_phone IS NOT NULL";

    private static async Task AddRegisterColumns(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var columns = new SqliteCommand("SELECT name FROM pragma_table_info('dispatch_case_register')", connection))
        await using (var rows = await columns.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                present.Add(rows.GetString(0));
            }
        }

        var missing = AddedRegisterColumns.Where(c => !present.Contains(c.Name)).ToArray();
        if (missing.Length == 0)
        {
            await Execute(connection, PhoneIndex, cancellationToken);
            return;
        }

        await using var transaction = connection.BeginTransaction();
        foreach (var (name, definition) in missing)
        {
            await Execute(connection, $"ALTER TABLE dispatch_case_register ADD COLUMN {name} {definition}", cancellationToken, transaction);
        }

        await Execute(connection, "DELETE FROM dispatch_case_register; UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';",
            cancellationToken, transaction);
        await Execute(connection, PhoneIndex, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
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
