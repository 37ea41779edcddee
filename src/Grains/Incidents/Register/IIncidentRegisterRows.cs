namespace Dispatch.Incidents;

/// <summary>
/// The register kept as rows of a database table, one per case: what a silo with SQLite or
/// PostgreSQL storage uses, so that a change rewrites one row and a search is one query. Without
/// it (memory storage) the register lives in the state of its partition grains.
/// </summary>
public interface IIncidentRegisterRows
{
    /// <summary>Stores each summary unless its row already holds the same or a newer version.</summary>
    Task UpsertAsync(IReadOnlyCollection<IncidentSummary> summaries, CancellationToken cancellationToken = default);

    /// <summary>The matches of <paramref name="query"/>, newest first, at most <see cref="IncidentQuery.Limit"/>.</summary>
    Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, DateTimeOffset now, CancellationToken cancellationToken = default);
}
