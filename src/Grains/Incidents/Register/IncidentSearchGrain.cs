using Dispatch.Errors;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Dispatch.Incidents;

/// <summary>
/// Answers a search with one query of the register table when there is one; otherwise walks the
/// register's days from the newest in range, asking every partition of a day at once, until a
/// page is full. Stateless, so every silo answers searches in parallel.
/// </summary>
[StatelessWorker, GrainType("incident-search")]
public sealed class IncidentSearchGrain(DispatchTime time, IServiceProvider services) : Grain, IIncidentSearchGrain
{
    // Registered by the silo wiring only when the storage has a register table.
    private readonly IIncidentRegisterRows? _rows = services.GetService<IIncidentRegisterRows>();

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

        // Ask for one more than the page so the last page is known to be the last.
        var ask = query with { Limit = query.Limit + 1 };
        var now = time.Now;
        var found = _rows is null ? await WalkPartitions(ask, now) : [.. await _rows.QueryAsync(ask, now)];
        if (found.Count <= query.Limit)
        {
            return new IncidentPage(found, null);
        }

        var items = found.GetRange(0, query.Limit);
        return new IncidentPage(items, IncidentCursor.Of(items[^1]));
    }

    private async Task<List<IncidentSummary>> WalkPartitions(IncidentQuery ask, DateTimeOffset now)
    {
        var newest = ask.After is { } after && after.ReportedAt < ask.To ? after.ReportedAt : ask.To;
        var day = DateOnly.FromDateTime(newest.UtcDateTime);
        var oldest = DateOnly.FromDateTime(ask.From.UtcDateTime);
        var found = new List<IncidentSummary>();
        for (; day >= oldest && found.Count < ask.Limit; day = day.AddDays(-1))
        {
            var parts = await Task.WhenAll(Enumerable.Range(0, IncidentRegister.Partitions).Select(p =>
                GrainFactory.GetGrain<IIncidentRegisterGrain>(IncidentRegister.KeyOf(day, p)).Query(ask, now)));
            var ofDay = parts.SelectMany(p => p).ToList();
            ofDay.Sort(IncidentCursor.NewestFirst);
            found.AddRange(ofDay.Take(ask.Limit - found.Count));
        }

        return found;
    }
}
