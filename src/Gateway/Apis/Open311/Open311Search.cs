using System.Globalization;
using Dispatch.Catalog;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Apis.Open311;

/// <summary>
/// A GET requests query: either named cases (<c>service_request_id</c>, which overrides the rest) or
/// the register filtered by service codes, statuses and a report-time range.
/// </summary>
/// <param name="To">Exclusive; <c>end_date</c> itself is included.</param>
public sealed record Open311Search(
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> ServiceCodes,
    IReadOnlyList<IncidentStatus> Statuses,
    DateTimeOffset From,
    DateTimeOffset To)
{
    /// <summary>The specification's limits: at most 90 days, at most 1000 requests.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(90);

    public const int MaxResults = 1000;

    /// <summary>Reports up to this far ahead of the gateway's clock still count as "now" (as in the register's own filter).</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(5);

    private static readonly IncidentStatus[] Open = [.. Enum.GetValues<IncidentStatus>().Where(s => s.IsOpen())];
    private static readonly IncidentStatus[] Closed = [.. Enum.GetValues<IncidentStatus>().Where(s => !s.IsOpen())];

    public static Open311Search Read(IQueryCollection query, CategoryCatalog catalog, DateTimeOffset now)
    {
        var ids = List(query, "service_request_id").Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > MaxResults)
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, $"service_request_id: at most {MaxResults} ids at once.");
        }

        var codes = new List<string>();
        foreach (var code in List(query, "service_code").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            codes.Add(catalog.TryGet(code, out var category)
                ? category.Code
                : throw new Open311Exception(StatusCodes.Status400BadRequest, $"service_code: '{code}' is not a service of this endpoint (see services.xml)."));
        }

        var statuses = new HashSet<IncidentStatus>();
        foreach (var status in List(query, "status"))
        {
            statuses.UnionWith(status.ToUpperInvariant() switch
            {
                "OPEN" => Open,
                "CLOSED" => Closed,
                _ => throw new Open311Exception(StatusCodes.Status400BadRequest, $"status: '{status}' is not open or closed."),
            });
        }

        var start = Time(query, "start_date");
        var end = Time(query, "end_date");
        var (from, to) = (start, end) switch
        {
            ({ } s, { } e) => (s, e.AddTicks(1)),
            ({ } s, null) => (s, s + MaxRange),
            (null, { } e) => (e - MaxRange, e.AddTicks(1)),
            _ => (now - MaxRange, now + ClockSlack),
        };
        if (to <= from)
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, "end_date: it is earlier than start_date.");
        }

        if (start is not null && end is not null && end - start > MaxRange)
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, $"start_date, end_date: a search may not span more than {MaxRange.TotalDays} days.");
        }

        // Both statuses are all statuses, as neither is.
        return new Open311Search(ids, codes, statuses.Count == Open.Length + Closed.Length ? [] : [.. statuses], from, to);
    }

    /// <summary>A parameter's comma-delimited values, over every time it is given; empty values are no values.</summary>
    private static IEnumerable<string> List(IQueryCollection query, string name) =>
        query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        // An unescaped '+' of an offset arrives as a space.
        var text = query[name].ToString().Trim().Replace(' ', '+');
        if (text.Length == 0)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new Open311Exception(StatusCodes.Status400BadRequest, $"{name}: '{text}' is not a w3 date-time such as 2026-11-23T08:00:00+08:00.");
    }
}
