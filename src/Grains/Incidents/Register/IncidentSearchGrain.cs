using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Territory;
using Orleans.Concurrency;

namespace Dispatch.Incidents;

/// <summary>
/// Answers searches and figures from the register, each one query. Stateless, so every silo
/// answers them in parallel, and a busy desk never holds them up.
/// </summary>
[StatelessWorker, Reentrant, GrainType("incident-search")]
public sealed class IncidentSearchGrain(ICaseRegister register, DispatchTime time) : Grain, IIncidentSearchGrain
{
    public async Task<IncidentPage> Search(IncidentQuery query)
    {
        if (query.From < IncidentRegister.Earliest || query.To > IncidentRegister.Latest)
        {
            throw new ValidationFailedException(query.From < IncidentRegister.Earliest ? "from" : "to",
                $"A search covers times from {IncidentRegister.Earliest:yyyy-MM-dd} to {IncidentRegister.Latest:yyyy-MM-dd} (UTC).");
        }

        if (query.To <= query.From)
        {
            throw new ValidationFailedException("to", "'to' must be later than 'from'.");
        }

        if (query.To - query.From > IncidentRegister.MaxRange)
        {
            throw new ValidationFailedException("from", $"A search covers at most {IncidentRegister.MaxRange.TotalDays} days.");
        }

        if (query.Limit is < 1 or > IncidentRegister.MaxLimit)
        {
            throw new ValidationFailedException("limit", $"'limit' is 1 to {IncidentRegister.MaxLimit}.");
        }

        // Ask for one more than the page so the last page is known to be the last.
        var found = await register.QueryAsync(query with { Limit = query.Limit + 1 }, time.Now);
        if (found.Count <= query.Limit)
        {
            return new IncidentPage(found, null);
        }

        var items = found.Take(query.Limit).ToArray();
        return new IncidentPage(items, IncidentCursor.Of(items[^1]));
    }

    public Task<CaseStatistics> Statistics(DeskRef desk) => register.StatisticsAsync(desk, time.Now);
}
