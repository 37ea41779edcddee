using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Orleans.Serialization;

namespace Dispatch.Incidents;

/// <summary>
/// The register in the <c>dispatch_incident_register</c> table (SQLite or PostgreSQL, same SQL):
/// the columns searches filter on, and the whole summary in Orleans' version-tolerant encoding.
/// A batch of upserts is one transaction; a row is only replaced by a newer version, so upserts
/// that arrive out of order or twice change nothing.
/// </summary>
public sealed class SqlIncidentRegisterRows(DbDataSource source, Serializer<IncidentSummary> serializer) : IIncidentRegisterRows, IAsyncDisposable
{
    private const string Table = "dispatch_incident_register";

    private static readonly string[] Columns =
        ["id", "reported_at", "status", "category", "district_id", "street_id", "community_id", "grid_id", "worker_id", "resolve_due", "escalated", "version", "summary"];

    private static readonly string UpsertSql =
        $"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))}) "
        + $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", Columns.Skip(1).Select(c => $"{c} = excluded.{c}"))} "
        + $"WHERE {Table}.version < excluded.version";

    // IncidentSummary.IsOverdue, in SQL: awaiting a result, and past the resolve deadline or escalated.
    private static readonly string OverdueSql =
        $"(status IN ({string.Join(", ", Enum.GetValues<IncidentStatus>().Where(s => s.IsAwaitingResult()).Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})"
        + " AND ((resolve_due IS NOT NULL AND resolve_due <= @now) OR escalated = 1))";

    public async Task UpsertAsync(IReadOnlyCollection<IncidentSummary> summaries, CancellationToken cancellationToken = default)
    {
        if (summaries.Count == 0)
        {
            return;
        }

        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (connection.CanCreateBatch)
        {
            // PostgreSQL: every row in one round trip.
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var summary in summaries)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = UpsertSql;
                Bind(command.Parameters, command.CreateParameter, summary);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            // SQLite: in-process, so a statement per row costs no round trip.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = UpsertSql;
            foreach (var summary in summaries)
            {
                command.Parameters.Clear();
                Bind(command.Parameters, command.CreateParameter, summary);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT summary FROM {Table} WHERE reported_at >= @from AND reported_at < @to");
        Add(command, "from", DbType.Int64, query.From.UtcTicks);
        Add(command, "to", DbType.Int64, query.To.UtcTicks);

        if (query.After is { } after)
        {
            sql.Append(" AND (reported_at < @after_at OR (reported_at = @after_at AND id < @after_id))");
            Add(command, "after_at", DbType.Int64, after.ReportedAt.UtcTicks);
            Add(command, "after_id", DbType.String, after.Id);
        }

        if (query.Statuses.Count > 0)
        {
            var names = query.Statuses.Select((status, i) =>
            {
                Add(command, $"status{i}", DbType.Int16, (short)status);
                return $"@status{i}";
            }).ToList();
            sql.Append($" AND status IN ({string.Join(", ", names)})");
        }

        Equal(command, sql, "grid_id", query.GridId);
        Equal(command, sql, "community_id", query.CommunityId);
        Equal(command, sql, "street_id", query.StreetId);
        Equal(command, sql, "district_id", query.DistrictId);
        Equal(command, sql, "category", query.Category);
        Equal(command, sql, "worker_id", query.WorkerId);
        if (query.Overdue is { } overdue)
        {
            sql.Append(overdue ? $" AND {OverdueSql}" : $" AND NOT {OverdueSql}");
            Add(command, "now", DbType.Int64, now.UtcTicks);
        }

        sql.Append(" ORDER BY reported_at DESC, id DESC LIMIT @limit");
        Add(command, "limit", DbType.Int32, query.Limit);
        command.CommandText = sql.ToString();

        var found = new List<IncidentSummary>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            found.Add(serializer.Deserialize(rows.GetFieldValue<byte[]>(0))
                ?? throw new InvalidDataException($"A row of {Table} holds no summary."));
        }

        return found;
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    private void Bind(DbParameterCollection parameters, Func<DbParameter> create, IncidentSummary s)
    {
        void Set(string name, DbType type, object? value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value ?? DBNull.Value;
            parameters.Add(parameter);
        }

        Set("id", DbType.String, s.Id);
        Set("reported_at", DbType.Int64, s.ReportedAt.UtcTicks);
        Set("status", DbType.Int16, (short)s.Status);
        Set("category", DbType.String, s.Category);
        Set("district_id", DbType.String, s.Path.DistrictId);
        Set("street_id", DbType.String, s.Path.StreetId);
        Set("community_id", DbType.String, s.Path.CommunityId);
        Set("grid_id", DbType.String, s.Path.GridId);
        Set("worker_id", DbType.String, s.Assignee?.WorkerId);
        Set("resolve_due", DbType.Int64, s.ResolveDue?.UtcTicks);
        Set("escalated", DbType.Int16, (short)(s.EscalatedTo is null ? 0 : 1));
        Set("version", DbType.Int32, s.Version);
        Set("summary", DbType.Binary, serializer.SerializeToArray(s));
    }

    private static void Equal(DbCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append($" AND {column} = @{column}");
            Add(command, column, DbType.String, value);
        }
    }

    private static void Add(DbCommand command, string name, DbType type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
