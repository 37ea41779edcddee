using Npgsql;

namespace Dispatch.Persistence;

/// <summary>
/// Applies the project's PostgreSQL schema (the scripts under <c>Schema/postgresql</c>, in name
/// order) once each. A ledger table records what was applied; an advisory lock keeps silos that
/// start together from applying the same script twice. Running it again changes nothing.
/// </summary>
public static class SchemaMigrator
{
    public const string LedgerTable = "dispatch_schema_migrations";
    private const string Prefix = "Schema/postgresql/";

    // Any constant: the advisory lock that serialises migrations of one database.
    private const long LockKey = 0x44697370_61746368;

    /// <summary>The scripts shipped with this build, in the order they apply.</summary>
    public static IReadOnlyList<string> Scripts { get; } = typeof(SchemaMigrator).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Applies what is missing; answers the scripts applied by this call.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey});", cancellationToken);
        await Execute(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {LedgerTable} (script varchar(200) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand($"SELECT script FROM {LedgerTable};", connection, transaction))
        await using (var rows = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                applied.Add(rows.GetString(0));
            }
        }

        var now = new List<string>();
        foreach (var script in Scripts.Where(s => !applied.Contains(s)))
        {
            await Execute(connection, transaction, Read(script), cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {LedgerTable} (script) VALUES (@script);", connection, transaction);
            record.Parameters.AddWithValue("script", script);
            await record.ExecuteNonQueryAsync(cancellationToken);
            now.Add(script);
        }

        await transaction.CommitAsync(cancellationToken);
        return now;
    }

    private static string Read(string script)
    {
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(Prefix + script)
            ?? throw new InvalidOperationException($"Schema script {script} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
