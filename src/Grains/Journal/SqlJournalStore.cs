using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;

namespace Dispatch.Journal;

/// <summary>
/// The journal in the <c>dispatch_journal</c> table, with its open-case index in
/// <c>dispatch_open_cases</c> (SQLite or PostgreSQL, the same SQL but for row locking). A batch is
/// one transaction: with PostgreSQL one round trip for every statement; with SQLite, given the
/// file's <see cref="Storage.SqliteWriter"/>, a prepared statement each in the writer's shared
/// transaction. Every insert states the row it chains to, so a stale writer's append stores
/// nothing, and every index change states the row that carries it.
/// </summary>
public sealed class SqlJournalStore(DbDataSource source, Storage.SqliteWriter? writer = null) : IJournalStore, IAsyncDisposable
{
    public const string Table = "dispatch_journal";
    public const string OpenCases = "dispatch_open_cases";

    public const string Columns = "stream, seq, type, actor, at, reason, notice_for, payload, previous_hash, hash, position";

    // Stored only as the first row of its stream, or right after the row it names as previous.
    private const string InsertSql =
        $"INSERT INTO {Table} (stream, seq, type, actor, at, reason, notice_for, payload, previous_hash, hash) "
        + "SELECT @stream, @seq, @type, @actor, @at, @reason, @notice_for, @payload, @previous_hash, @hash "
        + $"WHERE @seq = 1 OR EXISTS (SELECT 1 FROM {Table} p WHERE p.stream = @stream AND p.seq = @seq - 1 AND p.hash = @previous_hash) "
        + "ON CONFLICT DO NOTHING";

    private const string StoredByMe = $"EXISTS (SELECT 1 FROM {Table} j WHERE j.stream = @stream AND j.seq = @seq AND j.hash = @hash)";

    private const string OpenSql =
        $"INSERT INTO {OpenCases} (case_id, desk, delivered, redrive_at) SELECT @stream, @desk, @delivered, @redrive_at WHERE {StoredByMe} "
        + "ON CONFLICT (case_id) DO UPDATE SET desk = excluded.desk, delivered = excluded.delivered";

    private const string CloseSql = $"DELETE FROM {OpenCases} WHERE case_id = @stream AND {StoredByMe}";

    private readonly bool _postgres = source is Npgsql.NpgsqlDataSource;

    public async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default)
    {
        if (writer is not null)
        {
            Refuse(batch);
            return await writer.WriteAsync(w => WriteWith(w, batch));
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await WriteAsync(connection, transaction, batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>Writes a batch inside a transaction the caller holds (and commits).</summary>
    public static async Task<bool[]> WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken)
    {
        Refuse(batch);
        return connection.CanCreateBatch
            ? await WriteBatched(connection, transaction, batch, cancellationToken)
            : await WriteOneByOne(connection, transaction, batch, cancellationToken);
    }

    private static async Task<bool[]> WriteBatched(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalAppend> appends, CancellationToken cancellationToken)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var append in appends)
        {
            foreach (var entry in append.Entries)
            {
                var insert = batch.CreateBatchCommand();
                insert.CommandText = InsertSql;
                BindEntry(insert.Parameters, insert.CreateParameter, entry);
                batch.BatchCommands.Add(insert);
            }

            if (append.OpenCase is { } change)
            {
                var index = batch.CreateBatchCommand();
                index.CommandText = change.IsOpen ? OpenSql : CloseSql;
                BindIndex(index.Parameters, index.CreateParameter, append.Last, change);
                batch.BatchCommands.Add(index);
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);

        var stored = new bool[appends.Count];
        var next = 0;
        for (var i = 0; i < appends.Count; i++)
        {
            var inserted = 0;
            foreach (var _ in appends[i].Entries)
            {
                inserted += batch.BatchCommands[next++].RecordsAffected;
            }

            if (appends[i].OpenCase is not null)
            {
                next++;
            }

            stored[i] = Stored(appends[i], inserted);
        }

        return stored;
    }

    /// <summary>
    /// Each row is guarded only by the row before it: an append whose own rows do not chain could be
    /// stored in part. None is ever built (the journal refuses them); should one come, nothing is written.
    /// </summary>
    private static void Refuse(IReadOnlyList<JournalAppend> batch)
    {
        if (batch.Select(a => a.Malformed()).FirstOrDefault(p => p is not null) is { } problem)
        {
            throw new InvalidOperationException($"A malformed append reached the journal: {problem}.");
        }
    }

    /// <summary>The batch in the SQLite writer's transaction, with its prepared statements.</summary>
    private static bool[] WriteWith(Storage.SqliteWriter writer, IReadOnlyList<JournalAppend> appends)
    {
        var stored = new bool[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i];
            var inserted = 0;
            foreach (var entry in append.Entries)
            {
                var insert = writer.Command(InsertSql);
                BindEntry(insert.Parameters, insert.CreateParameter, entry);
                inserted += insert.ExecuteNonQuery();
            }

            stored[i] = Stored(append, inserted);
            if (stored[i] && append.OpenCase is { } change)
            {
                var index = writer.Command(change.IsOpen ? OpenSql : CloseSql);
                BindIndex(index.Parameters, index.CreateParameter, append.Last, change);
                index.ExecuteNonQuery();
            }
        }

        return stored;
    }

    /// <summary>
    /// Whether the append's rows are the stream's rows now. Each row is stored only right after the
    /// row it names, so once one is stored every later one is too, and any row before it that was
    /// already there carried the very same hash (a writer that recorded the same change at the same
    /// instant): the stream holds exactly the append either way.
    /// </summary>
    private static bool Stored(JournalAppend append, int inserted) => inserted > 0;

    private static async Task<bool[]> WriteOneByOne(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalAppend> appends, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction, InsertSql);
        await using var open = Command(connection, transaction, OpenSql);
        await using var close = Command(connection, transaction, CloseSql);
        var stored = new bool[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i];
            var inserted = 0;
            foreach (var entry in append.Entries)
            {
                insert.Parameters.Clear();
                BindEntry(insert.Parameters, insert.CreateParameter, entry);
                inserted += await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            stored[i] = Stored(append, inserted);
            if (stored[i] && append.OpenCase is { } change)
            {
                var index = change.IsOpen ? open : close;
                index.Parameters.Clear();
                BindIndex(index.Parameters, index.CreateParameter, append.Last, change);
                await index.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return stored;
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {Columns} FROM {Table} WHERE stream = @stream AND seq > @after ORDER BY seq");
        Add(command, "stream", DbType.String, stream);
        Add(command, "after", DbType.Int32, afterSequence);
        return await ReadEntries(command, cancellationToken);
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        if (streams.Count == 0)
        {
            return [];
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        var rows = new List<JournalEntry>();
        foreach (var chunk in streams.Distinct().Order(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = Command(connection, null, "");
            command.CommandText = $"SELECT {Columns} FROM {Table} WHERE stream IN ({InList(command, "s", chunk)}) ORDER BY stream, seq";
            rows.AddRange(await ReadEntries(command, cancellationToken));
        }

        return rows;
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {Prefixed("j")} FROM {Table} j JOIN {OpenCases} o ON o.case_id = j.stream WHERE o.desk = @desk ORDER BY j.stream, j.seq");
        Add(command, "desk", DbType.String, desk);
        return await ReadEntries(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT DISTINCT desk FROM {OpenCases} ORDER BY desk");
        return await ReadStrings(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default)
    {
        // PostgreSQL: silos sweeping at once each take other cases instead of waiting for each other's.
        var sql = $"UPDATE {OpenCases} SET redrive_at = @retry_at WHERE case_id IN "
            + $"(SELECT case_id FROM {OpenCases} WHERE NOT delivered AND redrive_at <= @now ORDER BY redrive_at LIMIT @limit{(_postgres ? " FOR UPDATE SKIP LOCKED" : "")}) "
            + "RETURNING case_id";
        void Bind(DbCommand command)
        {
            Add(command, "retry_at", DbType.Int64, retryAt.UtcTicks);
            Add(command, "now", DbType.Int64, now.UtcTicks);
            Add(command, "limit", DbType.Int32, limit);
        }

        if (writer is not null)
        {
            return await writer.WriteAsync(w =>
            {
                var command = w.Command(sql);
                Bind(command);
                var claimed = new List<string>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    claimed.Add(reader.GetString(0));
                }

                return claimed;
            });
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var claim = Command(connection, null, sql);
        Bind(claim);
        return await ReadStrings(claim, cancellationToken);
    }

    public async Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {Columns} FROM {Table} WHERE notice_for = @desk ORDER BY position DESC LIMIT @limit");
        Add(command, "desk", DbType.String, desk);
        Add(command, "limit", DbType.Int32, limit);
        return await ReadEntries(command, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        var last = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return last;
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in streams.Distinct().Chunk(500))
        {
            await using var command = Command(connection, null, "");
            command.CommandText = $"SELECT {Prefixed("j")} FROM {Table} j WHERE j.stream IN ({InList(command, "s", chunk)}) "
                + $"AND j.seq = (SELECT MAX(m.seq) FROM {Table} m WHERE m.stream = j.stream)";
            foreach (var entry in await ReadEntries(command, cancellationToken))
            {
                last[entry.Stream] = entry;
            }
        }

        return last;
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    /// <summary>Reads rows selected as <see cref="Columns"/>.</summary>
    public static async Task<List<JournalEntry>> ReadEntries(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<JournalEntry>();
        await foreach (var row in StreamEntries(command, cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Reads rows selected as <see cref="Columns"/> one at a time, for scans too large to hold.</summary>
    public static async IAsyncEnumerable<JournalEntry> StreamEntries(DbCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new JournalEntry(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetString(2),
                reader.GetString(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7),
                reader.GetString(8),
                reader.GetString(9))
            {
                Position = reader.GetInt64(10),
            };
        }
    }

    public static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(c => $"{alias}.{c}"));

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static void Add(DbCommand command, string name, DbType type, object? value) =>
        Bind(command.Parameters, command.CreateParameter, name, type, value);

    /// <summary>Parameters <c>@prefix0, @prefix1...</c> for an IN list.</summary>
    public static string InList(DbCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new StringBuilder();
        var i = 0;
        foreach (var value in values)
        {
            Add(command, $"{prefix}{i}", DbType.String, value);
            names.Append(i == 0 ? "" : ", ").Append('@').Append(prefix).Append(i);
            i++;
        }

        return names.ToString();
    }

    private static void BindEntry(DbParameterCollection parameters, Func<DbParameter> create, JournalEntry entry)
    {
        Bind(parameters, create, "stream", DbType.String, entry.Stream);
        Bind(parameters, create, "seq", DbType.Int32, entry.Sequence);
        Bind(parameters, create, "type", DbType.String, entry.Type);
        Bind(parameters, create, "actor", DbType.String, entry.Actor);
        Bind(parameters, create, "at", DbType.Int64, entry.At.UtcTicks);
        Bind(parameters, create, "reason", DbType.String, entry.Reason);
        Bind(parameters, create, "notice_for", DbType.String, entry.NoticeFor);
        Bind(parameters, create, "payload", DbType.String, entry.Payload);
        Bind(parameters, create, "previous_hash", DbType.String, entry.PreviousHash);
        Bind(parameters, create, "hash", DbType.String, entry.Hash);
    }

    private static void BindIndex(DbParameterCollection parameters, Func<DbParameter> create, JournalEntry last, OpenCaseChange change)
    {
        Bind(parameters, create, "stream", DbType.String, last.Stream);
        Bind(parameters, create, "seq", DbType.Int32, last.Sequence);
        Bind(parameters, create, "hash", DbType.String, last.Hash);
        if (change.IsOpen)
        {
            Bind(parameters, create, "desk", DbType.String, change.Desk);
            Bind(parameters, create, "delivered", DbType.Boolean, change.Delivered);
            Bind(parameters, create, "redrive_at", DbType.Int64, change.RedriveAt.UtcTicks);
        }
    }

    private static void Bind(DbParameterCollection parameters, Func<DbParameter> create, string name, DbType type, object? value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }

    private static async Task<List<string>> ReadStrings(DbCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
