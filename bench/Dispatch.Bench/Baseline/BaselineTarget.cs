using System.Globalization;
using Dispatch.Bench.Load;
using Npgsql;

namespace Dispatch.Bench.Baseline;

/// <summary>
/// The database-centric peer under the load driver: each report is one call of
/// <c>register_report</c> (one transaction, committed before the answer), each worker action one
/// UPDATE, all over pooled Npgsql connections.
/// </summary>
public sealed class BaselineTarget(NpgsqlDataSource dataSource) : ILoadTarget
{
    private const string Register = "SELECT new_case, registered, assignee, assigned FROM register_report($1, $2, $3, $4, $5)";

    private const string Accept = """
        UPDATE cases SET status = 'accepted', accepted_at = now()
        WHERE id = $1 AND worker_id = $2 AND status = 'dispatched'
        """;

    /// <summary>The result stops the resolve clock and gives the worker's load back, in one statement.</summary>
    private const string Resolve = """
        WITH done AS (
            UPDATE cases SET status = 'resolved', resolved_at = now(), escalate_at = NULL
            WHERE id = $1 AND worker_id = $2 AND status IN ('dispatched', 'accepted')
            RETURNING worker_id)
        UPDATE workers w SET open_load = w.open_load - 1 FROM done WHERE w.id = done.worker_id
        """;

    public string Name => "baseline (PostgreSQL, one transaction per report)";

    public Action<Assignment>? Assigned { get; set; }

    /// <summary>Nothing to listen to: an assignment is known when the report's transaction commits.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<ReportAck> ReportAsync(PlannedReport report, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Register);
        command.Parameters.Add(new() { Value = report.BuildingId });
        command.Parameters.Add(new() { Value = report.Category });
        command.Parameters.Add(new() { Value = report.Description });
        command.Parameters.Add(new() { Value = report.ReporterName });
        command.Parameters.Add(new() { Value = report.ReporterPhone });

        long caseId;
        DateTimeOffset registered;
        string? worker;
        DateTimeOffset assigned;
        await using (var reader = await Run(() => command.ExecuteReaderAsync(cancellationToken)))
        {
            await reader.ReadAsync(cancellationToken);
            caseId = reader.GetInt64(0);
            registered = reader.GetFieldValue<DateTimeOffset>(1);
            worker = reader.IsDBNull(2) ? null : reader.GetString(2);
            assigned = reader.IsDBNull(3) ? default : reader.GetFieldValue<DateTimeOffset>(3);
        }

        // Both times are the database's clock, like Dispatch's own: registration is the transaction's
        // start (now()), assignment the clock_timestamp() when the worker's row was locked and chosen.
        // The commit (and its fsync) follows both and is in the client's acknowledge time, not here.
        var id = caseId.ToString(CultureInfo.InvariantCulture);
        if (worker is not null)
        {
            Assigned?.Invoke(new Assignment(id, worker, assigned));
        }

        return new ReportAck(id, registered);
    }

    public Task AcceptAsync(Assignment assignment, CancellationToken cancellationToken) =>
        ActAsync(Accept, "not dispatched to this worker", assignment, cancellationToken);

    public Task ResolveAsync(Assignment assignment, CancellationToken cancellationToken) =>
        ActAsync(Resolve, "not open with this worker", assignment, cancellationToken);

    /// <summary>The data source belongs to the run that made it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task ActAsync(string sql, string refusal, Assignment assignment, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = long.Parse(assignment.IncidentId, CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = assignment.WorkerId });
        if (await Run(() => command.ExecuteNonQueryAsync(cancellationToken)) != 1)
        {
            throw new LoadTargetException(refusal, $"Case {assignment.IncidentId} is {refusal}.");
        }
    }

    /// <summary>Names a database refusal by its SQLSTATE, the way the load results group errors.</summary>
    private static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (PostgresException ex)
        {
            throw new LoadTargetException($"PostgreSQL {ex.SqlState}", ex.MessageText);
        }
    }
}
