using Dispatch.Errors;
using Orleans.Concurrency;

namespace Dispatch.Incidents;

/// <summary>
/// Walks the register's days from the newest in range, asking every partition of a day at once,
/// until a page is full. Stateless, so every silo answers searches in parallel.
/// </summary>
[StatelessWorker, GrainType("incident-search")]
public sealed class IncidentSearchGrain(DispatchTime time) : Grain, IIncidentSearchGrain
{
    public async Task<IncidentPage> Search(IncidentQuery query)
    {
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

        var now = time.Now;
        var newest = query.After is { } after && after.ReportedAt < query.To ? after.ReportedAt : query.To;
        var day = DateOnly.FromDateTime(newest.UtcDateTime);
        var oldest = DateOnly.FromDateTime(query.From.UtcDateTime);
        var found = new List<IncidentSummary>();

        // Ask for one more than the page so the last page is known to be the last.
        var ask = query with { Limit = query.Limit + 1 };
        for (; day >= oldest && found.Count <= query.Limit; day = day.AddDays(-1))
        {
            var parts = await Task.WhenAll(Enumerable.Range(0, IncidentRegister.Partitions).Select(p =>
                GrainFactory.GetGrain<IIncidentRegisterGrain>(IncidentRegister.KeyOf(day, p)).Query(ask, now)));
            var ofDay = parts.SelectMany(p => p).ToList();
            ofDay.Sort(IncidentCursor.NewestFirst);
            found.AddRange(ofDay.Take(query.Limit + 1 - found.Count));
        }

        if (found.Count <= query.Limit)
        {
            return new IncidentPage(found, null);
        }

        var items = found.GetRange(0, query.Limit);
        return new IncidentPage(items, IncidentCursor.Of(items[^1]));
    }
}
