using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dispatch.Desks;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;

namespace Dispatch.Incidents;

/// <summary>
/// The register in <c>dispatch_case_register</c> (SQLite or PostgreSQL): the columns lists filter
/// on and statistics sum, and the case's whole state in Orleans' encoding. A catch-up pass reads the
/// next journal rows after the checkpoint, folds them onto the states of the cases they touch,
/// writes those lines and moves the checkpoint in one transaction, so a pass that fails leaves
/// nothing half-applied. With PostgreSQL, passes of several silos take turns on the checkpoint's
/// lock; with SQLite the reading happens beside the file's one writer, and the writing in its
/// transaction, which goes ahead only if the checkpoint has not moved meanwhile.
/// </summary>
public sealed class SqlCaseRegister(DbDataSource source, Serializer<CaseState> serializer, ILogger? logger = null, Storage.SqliteWriter? writer = null)
    : ICaseRegister, IAsyncDisposable
{
    public const string Table = "dispatch_case_register";
    private const string Checkpoints = "dispatch_projections";
    private const string Name = "register";
    private const int Batch = 2_000;

    private static readonly string[] Columns =
    [
        "id", "reported_at", "updated_at", "status", "category", "tracker", "district_id", "street_id", "community_id", "grid_id",
        "worker_id", "resolve_due", "escalated", "escalations", "accepted_at", "resolved_at", "closed_at", "on_time", "rework_count",
        "rating", "version", "state", "extensions", "appeals", "reporter_phone", "filed_at", "contact_missed", "co_units",
    ];

    /// <summary>What never changes in a case's life: left out of updates, so their indexes are not rewritten.</summary>
    private static readonly string[] Fixed = ["id", "reported_at", "category"];

    private static readonly string UpsertSql =
        $"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))}) "
        + $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", Columns.Except(Fixed).Select(c => $"{c} = excluded.{c}"))} "
        + $"WHERE {Table}.version < excluded.version";

    private static readonly string Open = StatusList(s => s.IsOpen());
    private static readonly string Awaiting = StatusList(s => s.IsAwaitingResult());
    private static readonly string Closed = StatusList(s => s is IncidentStatus.Closed or IncidentStatus.Rated);

    // CaseState.IsOverdue, in SQL.
    private static readonly string OverdueSql = $"(status IN ({Awaiting}) AND ((resolve_due IS NOT NULL AND resolve_due <= @now) OR escalated <> 0))";

    private static readonly string StatisticsSql = string.Join(", ",
        Sum($"status IN ({Open})"),
        Sum(OverdueSql),
        Sum($"status IN ({Open}) AND escalated <> 0"),
        Sum($"status IN ({Closed})"),
        Sum($"status IN ({Closed}) AND on_time"),
        Sum($"status IN ({Closed}) AND accepted_at IS NOT NULL"),
        Sum($"status IN ({Closed}) AND accepted_at IS NOT NULL", "accepted_at - reported_at"),
        Sum($"status IN ({Closed}) AND resolved_at IS NOT NULL"),
        Sum($"status IN ({Closed}) AND resolved_at IS NOT NULL", "resolved_at - reported_at"),
        Sum("rating IS NOT NULL"),
        Sum("rating IS NOT NULL", "rating"),
        Sum($"status IN ({Closed})", "rework_count"),
        Sum($"status NOT IN ({Open})", "escalations"),
        Sum($"status = {(int)IncidentStatus.Cancelled}"),
        Sum($"status = {(int)IncidentStatus.Merged}"),
        Sum($"status = {(int)IncidentStatus.Parked}"),
        Sum($"status = {(int)IncidentStatus.AwaitingConfirmation}"),
        Sum($"status = {(int)IncidentStatus.Unconfirmed}"));

    private readonly bool _postgres = source is Npgsql.NpgsqlDataSource;

    public async Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT state FROM {Table} WHERE reported_at >= @from AND reported_at < @to");
        SqlJournalStore.Add(command, "from", DbType.Int64, query.From.UtcTicks);
        SqlJournalStore.Add(command, "to", DbType.Int64, query.To.UtcTicks);

        if (query.After is { } after)
        {
            sql.Append(" AND (reported_at < @after_at OR (reported_at = @after_at AND id < @after_id))");
            SqlJournalStore.Add(command, "after_at", DbType.Int64, after.ReportedAt.UtcTicks);
            SqlJournalStore.Add(command, "after_id", DbType.String, after.Id);
        }

        if (query.Statuses.Count > 0)
        {
            sql.Append($" AND status IN ({string.Join(", ", query.Statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})");
        }

        Equal(command, sql, "grid_id", query.GridId);
        Equal(command, sql, "community_id", query.CommunityId);
        Equal(command, sql, "street_id", query.StreetId);
        Equal(command, sql, "district_id", query.DistrictId);
        Equal(command, sql, "category", query.Category);
        Equal(command, sql, "worker_id", query.WorkerId);
        Equal(command, sql, "reporter_phone", query.ReporterPhone);
        if (query.Department is { } department)
        {
            // The codes are delimited, so one code never matches inside another; '%' and '_' cannot be in a catalog code.
            sql.Append(" AND (tracker = @department_desk OR co_units LIKE @department_part)");
            SqlJournalStore.Add(command, "department_desk", DbType.String, DeskRef.Department(department).Key);
            SqlJournalStore.Add(command, "department_part", DbType.String, $"%|{department}|%");
        }

        if (query.Overdue is { } overdue)
        {
            sql.Append(overdue ? $" AND {OverdueSql}" : $" AND NOT {OverdueSql}");
            SqlJournalStore.Add(command, "now", DbType.Int64, now.UtcTicks);
        }

        sql.Append(" ORDER BY reported_at DESC, id DESC LIMIT @limit");
        SqlJournalStore.Add(command, "limit", DbType.Int32, query.Limit);
        command.CommandText = sql.ToString();
        return (await ReadStates(command, cancellationToken)).ConvertAll(CaseRegisterRules.Summary);
    }

    public Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Statistics(desk, now, null, cancellationToken);

    public Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Statistics(desk, now, (from, to), cancellationToken);

    public async Task<IReadOnlyList<AssessedCase>> AssessedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT district_id, street_id, community_id, tracker, category, status, reported_at, accepted_at, on_time, rating, rework_count, extensions, appeals, contact_missed, filed_at FROM {Table} "
            + "WHERE reported_at >= @from AND reported_at < @to";
        SqlJournalStore.Add(command, "from", DbType.Int64, from.UtcTicks);
        SqlJournalStore.Add(command, "to", DbType.Int64, to.UtcTicks);
        var lines = new List<AssessedCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            lines.Add(new AssessedCase(
                Text(0),
                Text(1),
                Text(2),
                reader.GetString(3),
                reader.GetString(4),
                (IncidentStatus)reader.GetInt16(5),
                new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
                reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero),
                reader.IsDBNull(8) ? null : reader.GetBoolean(8),
                reader.IsDBNull(9) ? null : reader.GetInt16(9),
                reader.GetInt32(10),
                reader.GetInt32(11),
                reader.GetInt32(12),
                reader.GetBoolean(13),
                reader.IsDBNull(14) ? null : new DateTimeOffset(reader.GetInt64(14), TimeSpan.Zero)));
        }

        return lines;
    }

    private async Task<CaseStatistics> Statistics(DeskRef desk, DateTimeOffset now, (DateTimeOffset From, DateTimeOffset To)? period, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var scope = Scope(command, desk);
        if (period is { } p)
        {
            scope += $"{(scope.Length == 0 ? " WHERE" : " AND")} reported_at >= @from AND reported_at < @to";
            SqlJournalStore.Add(command, "from", DbType.Int64, p.From.UtcTicks);
            SqlJournalStore.Add(command, "to", DbType.Int64, p.To.UtcTicks);
        }

        command.CommandText = $"SELECT {StatisticsSql} FROM {Table}{scope}";
        SqlJournalStore.Add(command, "now", DbType.Int64, now.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        long At(int i) => reader.GetInt64(i);
        return new CaseStatistics
        {
            Open = (int)At(0),
            Overdue = (int)At(1),
            Escalated = (int)At(2),
            Closed = At(3),
            ClosedOnTime = At(4),
            Accepted = At(5),
            AcceptTicks = At(6),
            Resolved = At(7),
            ResolveTicks = At(8),
            Rated = At(9),
            RatingTotal = At(10),
            Reworked = At(11),
            Escalations = At(12),
            Cancelled = At(13),
            Merged = At(14),
            Parked = (int)At(15),
            AwaitingConfirmation = (int)At(16),
            Unconfirmed = At(17),
        };
    }

    public async Task<IReadOnlyList<EscalatedCase>> EscalatedToAsync(DeskRef desk, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var area = desk.Level == OrgLevel.City ? "" : $" AND {AreaColumn(desk.Level)} = @id";
        command.CommandText = $"SELECT state FROM {Table} WHERE (escalated & @bit) <> 0 AND status IN ({Awaiting}){area}";
        SqlJournalStore.Add(command, "bit", DbType.Int32, 1 << (int)desk.Level);
        SqlJournalStore.Add(command, "id", DbType.String, desk.Id);
        return (await ReadStates(command, cancellationToken))
            .Where(s => CaseRegisterRules.EscalatedTo(s, desk))
            .Select(s => CaseRegisterRules.Listing(s, desk))
            .OrderBy(e => e.At)
            .ThenBy(e => e.IncidentId, StringComparer.Ordinal)
            .ToArray();
    }

    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        long read = 0;
        while (true)
        {
            var rows = await PassAsync(cancellationToken);
            read += rows;
            if (rows < Batch)
            {
                return read;
            }
        }
    }

    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        if (writer is not null)
        {
            await writer.WriteAsync(w =>
            {
                w.Command($"DELETE FROM {Table}").ExecuteNonQuery();
                var move = w.Command(MoveCheckpointSql);
                BindCheckpoint(move, 0, 0);
                return move.ExecuteNonQuery();
            });
            return;
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReadCheckpoint(connection, transaction, cancellationToken);
        await using (var clear = SqlJournalStore.Command(connection, transaction, $"DELETE FROM {Table}"))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteCheckpoint(connection, transaction, 0, 0, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    private async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        // PostgreSQL: the checkpoint's row lock makes passes of several silos take turns. SQLite: a
        // read transaction, for one snapshot of the journal and the register beside the writer.
        await using var transaction = writer is not null && connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(cancellationToken);
        var (tx, position) = await ReadCheckpoint(connection, transaction, cancellationToken);
        var next = await ReadNext(connection, transaction, tx, position, cancellationToken);
        if (next.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        var cases = next.Select(n => n.Stream).Where(CaseStreams.IsCase).Distinct().ToArray();
        var states = cases.Length == 0 ? [] : await Fold(connection, transaction, cases, cancellationToken);
        var (lastTx, lastPosition) = (next[^1].Tx, next[^1].Position);
        if (writer is null)
        {
            await Upsert(connection, transaction, states, cancellationToken);
            await WriteCheckpoint(connection, transaction, lastTx, lastPosition, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return next.Count;
        }

        await transaction.CommitAsync(cancellationToken);
        var applied = await writer.WriteAsync(w =>
        {
            var check = w.Command($"SELECT tx, position FROM {Checkpoints} WHERE name = @name");
            SqlJournalStore.Add(check, "name", DbType.String, Name);
            using (var reader = check.ExecuteReader())
            {
                if (!reader.Read() || reader.GetInt64(0) != tx || reader.GetInt64(1) != position)
                {
                    // Someone else applied these rows meanwhile (a rebuild, another process): read again.
                    return false;
                }
            }

            foreach (var state in states)
            {
                var upsert = w.Command(UpsertSql);
                Bind(upsert.Parameters, upsert.CreateParameter, state);
                upsert.ExecuteNonQuery();
            }

            var move = w.Command(MoveCheckpointSql);
            BindCheckpoint(move, lastTx, lastPosition);
            move.ExecuteNonQuery();
            return true;
        });
        return applied ? next.Count : Batch;
    }

    private async Task<List<(string Stream, long Tx, long Position)>> ReadNext(
        DbConnection connection, DbTransaction transaction, long tx, long position, CancellationToken cancellationToken)
    {
        // PostgreSQL assigns positions before commit, so a row may commit after a later one; reading
        // only rows of transactions older than every transaction still running never skips one.
        // SQLite commits one writer at a time: position order is commit order (tx is always 0).
        var next = new List<(string Stream, long Tx, long Position)>();
        await using var command = SqlJournalStore.Command(connection, transaction, _postgres
            ? $"SELECT stream, tx, position FROM {SqlJournalStore.Table} WHERE (tx, position) > (@tx, @position) "
                + "AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ORDER BY tx, position LIMIT @limit"
            : $"SELECT stream, tx, position FROM {SqlJournalStore.Table} WHERE position > @position ORDER BY position LIMIT @limit");
        SqlJournalStore.Add(command, "tx", DbType.Int64, tx);
        SqlJournalStore.Add(command, "position", DbType.Int64, position);
        SqlJournalStore.Add(command, "limit", DbType.Int32, Batch);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            next.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return next;
    }

    /// <summary>
    /// The cases as they are now: each register line's state with the journal rows past it folded on.
    /// A case whose rows do not follow its line (a line from before a rebuild, a history that was
    /// changed) is folded again from its first row.
    /// </summary>
    private async Task<List<CaseState>> Fold(DbConnection connection, DbTransaction transaction, string[] cases, CancellationToken cancellationToken)
    {
        var log = logger ?? NullLogger.Instance;
        var folded = new List<CaseState>(cases.Length);
        foreach (var chunk in cases.Chunk(500))
        {
            var known = new Dictionary<string, CaseState>(StringComparer.Ordinal);
            await using (var lines = SqlJournalStore.Command(connection, transaction, ""))
            {
                lines.CommandText = $"SELECT state FROM {Table} WHERE id IN ({SqlJournalStore.InList(lines, "s", chunk)})";
                foreach (var state in await ReadStates(lines, cancellationToken))
                {
                    known[state.Id] = state;
                }
            }

            List<JournalEntry> rows;
            await using (var newer = SqlJournalStore.Command(connection, transaction, ""))
            {
                newer.CommandText = $"SELECT {SqlJournalStore.Prefixed("j")} FROM {SqlJournalStore.Table} j "
                    + $"WHERE j.stream IN ({SqlJournalStore.InList(newer, "s", chunk)}) "
                    + $"AND j.seq > COALESCE((SELECT r.version FROM {Table} r WHERE r.id = j.stream), 0) ORDER BY j.stream, j.seq";
                rows = await SqlJournalStore.ReadEntries(newer, cancellationToken);
            }

            foreach (var ofCase in rows.GroupBy(r => r.Stream))
            {
                var state = known.GetValueOrDefault(ofCase.Key);
                if (ofCase.First().Sequence != (state?.Sequence ?? 0) + 1)
                {
                    await using var whole = SqlJournalStore.Command(connection, transaction,
                        $"SELECT {SqlJournalStore.Columns} FROM {SqlJournalStore.Table} WHERE stream = @stream ORDER BY seq");
                    SqlJournalStore.Add(whole, "stream", DbType.String, ofCase.Key);
                    (state, rows) = (null, await SqlJournalStore.ReadEntries(whole, cancellationToken));
                    if (CaseRegisterRules.Fold(null, rows, log) is { } again)
                    {
                        folded.Add(again);
                    }

                    continue;
                }

                if (CaseRegisterRules.Fold(state, ofCase, log) is { } after)
                {
                    folded.Add(after);
                }
            }
        }

        return folded;
    }

    private async Task<(long Tx, long Position)> ReadCheckpoint(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = SqlJournalStore.Command(connection, transaction,
            $"SELECT tx, position FROM {Checkpoints} WHERE name = @name{(_postgres ? " FOR UPDATE" : "")}");
        SqlJournalStore.Add(command, "name", DbType.String, Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetInt64(1))
            : throw new InvalidOperationException($"{Checkpoints} has no row '{Name}': apply the schema.");
    }

    private const string MoveCheckpointSql = $"UPDATE {Checkpoints} SET tx = @tx, position = @position WHERE name = @name";

    private static async Task WriteCheckpoint(DbConnection connection, DbTransaction transaction, long tx, long position, CancellationToken cancellationToken)
    {
        await using var command = SqlJournalStore.Command(connection, transaction, MoveCheckpointSql);
        BindCheckpoint(command, tx, position);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void BindCheckpoint(DbCommand command, long tx, long position)
    {
        SqlJournalStore.Add(command, "tx", DbType.Int64, tx);
        SqlJournalStore.Add(command, "position", DbType.Int64, position);
        SqlJournalStore.Add(command, "name", DbType.String, Name);
    }

    private async Task Upsert(DbConnection connection, DbTransaction transaction, List<CaseState> states, CancellationToken cancellationToken)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var state in states)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = UpsertSql;
                Bind(command.Parameters, command.CreateParameter, state);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var upsert = SqlJournalStore.Command(connection, transaction, UpsertSql);
        foreach (var state in states)
        {
            upsert.Parameters.Clear();
            Bind(upsert.Parameters, upsert.CreateParameter, state);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private void Bind(DbParameterCollection parameters, Func<DbParameter> create, CaseState s)
    {
        void Set(string name, DbType type, object? value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value ?? DBNull.Value;
            parameters.Add(parameter);
        }

        var path = s.Placement.Path;
        Set("id", DbType.String, s.Id);
        Set("reported_at", DbType.Int64, s.ReportedAt.UtcTicks);
        Set("updated_at", DbType.Int64, s.UpdatedAt.UtcTicks);
        Set("status", DbType.Int16, (short)s.Status);
        Set("category", DbType.String, s.Category);
        Set("tracker", DbType.String, s.Tracker.Key);
        Set("district_id", DbType.String, path.DistrictId);
        Set("street_id", DbType.String, path.StreetId);
        Set("community_id", DbType.String, path.CommunityId);
        Set("grid_id", DbType.String, path.GridId);
        Set("worker_id", DbType.String, s.Assignee?.WorkerId);
        Set("resolve_due", DbType.Int64, s.ResolveDue?.UtcTicks);
        Set("escalated", DbType.Int32, CaseRegisterRules.EscalatedLevels(s));
        Set("escalations", DbType.Int32, s.Escalations.Count);
        Set("accepted_at", DbType.Int64, s.AcceptedAt?.UtcTicks);
        Set("resolved_at", DbType.Int64, s.ResolvedAt?.UtcTicks);
        Set("closed_at", DbType.Int64, s.ClosedAt?.UtcTicks);
        Set("on_time", DbType.Boolean, s.ResolvedOnTime);
        Set("rework_count", DbType.Int32, s.ReworkCount);
        Set("rating", DbType.Int16, s.Rating is { } rating ? (short)rating : null);
        Set("extensions", DbType.Int32, s.ExtensionsGranted);
        Set("appeals", DbType.Int32, s.Appeals);
        Set("reporter_phone", DbType.String, CaseRegisterRules.ReporterPhone(s));
        Set("filed_at", DbType.Int64, s.FiledAt?.UtcTicks);
        Set("contact_missed", DbType.Boolean, s.ContactMissed);
        Set("co_units", DbType.String, CaseRegisterRules.CoUnits(s));
        Set("version", DbType.Int32, s.Sequence);
        Set("state", DbType.Binary, serializer.SerializeToArray(s));
    }

    private async Task<List<CaseState>> ReadStates(DbCommand command, CancellationToken cancellationToken)
    {
        var found = new List<CaseState>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            found.Add(serializer.Deserialize(rows.GetFieldValue<byte[]>(0))
                ?? throw new InvalidDataException($"A row of {Table} holds no state."));
        }

        return found;
    }

    private static string Scope(DbCommand command, DeskRef desk)
    {
        switch (desk.Level)
        {
            case OrgLevel.City:
                return "";
            case OrgLevel.Department:
                SqlJournalStore.Add(command, "scope", DbType.String, desk.Key);
                return " WHERE tracker = @scope";
            default:
                SqlJournalStore.Add(command, "scope", DbType.String, desk.Id);
                return $" WHERE {AreaColumn(desk.Level)} = @scope";
        }
    }

    private static string AreaColumn(OrgLevel level) => level switch
    {
        OrgLevel.Grid => "grid_id",
        OrgLevel.Community => "community_id",
        OrgLevel.Street => "street_id",
        OrgLevel.District => "district_id",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not an area below the city."),
    };

    private static void Equal(DbCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append($" AND {column} = @{column}");
            SqlJournalStore.Add(command, column, DbType.String, value);
        }
    }

    private static string StatusList(Func<IncidentStatus, bool> which) =>
        string.Join(", ", Enum.GetValues<IncidentStatus>().Where(which).Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)));

    private static string Sum(string condition, string value = "1") =>
        $"CAST(COALESCE(SUM(CASE WHEN {condition} THEN {value} ELSE 0 END), 0) AS bigint)";
}
