using System.Globalization;
using Dispatch.Errors;

namespace Dispatch.Gateway.Apis;

/// <summary>
/// A period from a query string: <c>month=2026-11</c> (a calendar month in China Standard Time,
/// UTC+8, as the hotline's monthly figures are cut), or <c>from</c> and <c>to</c> (times with their
/// offsets; to is exclusive).
/// </summary>
public static class PeriodReader
{
    public static readonly TimeSpan CityOffset = TimeSpan.FromHours(8);

    /// <summary>The period the query names, or null when it names none.</summary>
    public static (DateTimeOffset From, DateTimeOffset To)? Read(IQueryCollection query)
    {
        var month = IncidentQueryReader.Single(query, "month");
        var from = IncidentQueryReader.Time(query, "from");
        var to = IncidentQueryReader.Time(query, "to");
        if (month is not null)
        {
            if (from is not null || to is not null)
            {
                throw new ValidationFailedException("month", "Give a month, or from and to, not both.");
            }

            return Month(month);
        }

        return (from, to) switch
        {
            (null, null) => null,
            ({ } f, { } t) => (f, t),
            _ => throw new ValidationFailedException(from is null ? "from" : "to", "A period needs both from and to (or a month)."),
        };
    }

    /// <summary>The calendar month that <paramref name="now"/> lies in, in the city's time.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) MonthOf(DateTimeOffset now)
    {
        var local = now.ToOffset(CityOffset);
        var first = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, CityOffset);
        return (first, first.AddMonths(1));
    }

    private static (DateTimeOffset From, DateTimeOffset To) Month(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year is >= 1971 and <= 9998
            ? MonthOf(new DateTimeOffset(month.Year, month.Month, 1, 12, 0, 0, CityOffset))
            : throw new ValidationFailedException("month", $"'{text}' is not a month such as 2026-11.");
}
