using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Territory;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dispatch.Incidents;

/// <summary>
/// Answers searches and figures from the register, each one query. Stateless, so every silo
/// answers them in parallel, and a busy desk never holds them up.
/// </summary>
[StatelessWorker, Reentrant, GrainType("incident-search")]
public sealed class IncidentSearchGrain(
    ICaseRegister register, DispatchTime time, Catalog.CategoryCatalog catalog, Calendar.CityCalendar calendar, IOptions<DispatchOptions> options)
    : Grain, IIncidentSearchGrain
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

    public Task<CaseStatistics> StatisticsFor(DeskRef desk, DateTimeOffset from, DateTimeOffset to)
    {
        CheckPeriod(from, to);
        return register.StatisticsAsync(desk, time.Now, from, to);
    }

    public async Task<Assessment> Assess(AssessmentQuery query)
    {
        if (query.Level is not (OrgLevel.Street or OrgLevel.Community or OrgLevel.Department))
        {
            throw new ValidationFailedException("level", "An assessment ranks streets, communities or departments.");
        }

        CheckPeriod(query.From, query.To);
        if (query.Within is { } within && within.Level is not (OrgLevel.District or OrgLevel.Street or OrgLevel.Community))
        {
            throw new ValidationFailedException("within", "An assessment is limited to a district, street or community.");
        }

        var lines = await register.AssessedAsync(query.From, query.To);
        if (query.Within is { } area)
        {
            lines = lines.Where(c => c.LiesIn(area)).ToArray();
        }

        var units = lines.Select(c => CaseAssessment.UnitOf(c, query.Level)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var names = query.Level == OrgLevel.Department
            ? units.ToDictionary(u => u, u => catalog.TryGetDepartment(IdOf(u), out var d) ? $"{d.NameEn} / {d.NameZh}" : u, StringComparer.Ordinal)
            : await AreaNames(units);
        var weights = options.Value.Assessment;
        var scoring = new AssessmentWeights(weights.ResponseWeight, weights.ResolutionWeight, weights.SatisfactionWeight);
        return new Assessment(query.Level, query.From, query.To, scoring,
            CaseAssessment.Rank(lines, query.Level, catalog, calendar.Current, scoring, unit => names.GetValueOrDefault(unit) ?? IdOf(unit)));
    }

    private async Task<IReadOnlyDictionary<string, string>> AreaNames(IReadOnlyList<string> units)
    {
        var byId = await GrainFactory.GetGrain<ITerritoryGrain>(options.Value.CityId).GetAreaNames(units.Select(u => IdOf(u)).ToArray());
        return units.Where(u => byId.ContainsKey(IdOf(u))).ToDictionary(u => u, u => byId[IdOf(u)], StringComparer.Ordinal);
    }

    /// <summary>The id in a desk key (<c>street:D01-S01</c> → <c>D01-S01</c>).</summary>
    private static string IdOf(string deskKey) => deskKey[(deskKey.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private static void CheckPeriod(DateTimeOffset from, DateTimeOffset to)
    {
        if (from < IncidentRegister.Earliest || to > IncidentRegister.Latest)
        {
            throw new ValidationFailedException(from < IncidentRegister.Earliest ? "from" : "to",
                $"A period lies between {IncidentRegister.Earliest:yyyy-MM-dd} and {IncidentRegister.Latest:yyyy-MM-dd} (UTC).");
        }

        if (to <= from)
        {
            throw new ValidationFailedException("to", "'to' must be later than 'from'.");
        }

        if (to - from > IncidentRegister.MaxAssessedRange)
        {
            throw new ValidationFailedException("from", $"A period covers at most {IncidentRegister.MaxAssessedRange.TotalDays} days.");
        }
    }
}
