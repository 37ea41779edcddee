using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Apis;

/// <summary>Reads the register's query string, refusing each bad parameter by name.</summary>
public static class IncidentQueryReader
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);

    /// <summary>Reports up to this far ahead of the gateway's clock still count as "now" (clocks of silos differ a little).</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> Known =
        new(["status", "grid", "community", "street", "district", "category", "overdue", "worker", "from", "to", "limit", "cursor", "phone", "department"], StringComparer.OrdinalIgnoreCase);

    public static IncidentQuery Read(IQueryCollection query, CategoryCatalog catalog, DateTimeOffset now)
    {
        if (query.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            throw new ValidationFailedException(unknown, $"'{unknown}' is not a filter. Filters: {string.Join(", ", Known)}.");
        }

        var statuses = new List<IncidentStatus>();
        foreach (var text in Values(query, "status"))
        {
            statuses.Add(Enum.TryParse<IncidentStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) && !char.IsAsciiDigit(text[0])
                ? s
                : throw new ValidationFailedException("status", $"'{text}' is not a status. Statuses: {string.Join(", ", Enum.GetNames<IncidentStatus>())}."));
        }

        var category = Single(query, "category");
        if (category is not null && !catalog.TryGet(category, out _))
        {
            throw new ValidationFailedException("category", $"'{category}' is not a category of the catalog.");
        }

        var department = Single(query, "department");
        if (department is not null && !catalog.TryGetDepartment(department, out _))
        {
            throw new ValidationFailedException("department", $"'{department}' is not a department of the catalog.");
        }

        bool? overdue = Single(query, "overdue") switch
        {
            null => null,
            var t when bool.TryParse(t, out var b) => b,
            var t => throw new ValidationFailedException("overdue", $"'{t}' is not true or false."),
        };

        var givenFrom = Time(query, "from");
        var to = Time(query, "to") ?? now + ClockSlack;
        var from = givenFrom ?? (to - IncidentRegister.Earliest < DefaultRange ? IncidentRegister.Earliest : to - DefaultRange);
        // The order and span of the range are checked once, by the search grain.
        var limit = 50;
        if (Single(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > IncidentRegister.MaxLimit))
        {
            throw new ValidationFailedException("limit", $"'limit' is a whole number from 1 to {IncidentRegister.MaxLimit}.");
        }

        return new IncidentQuery
        {
            Statuses = statuses,
            GridId = Single(query, "grid"),
            CommunityId = Single(query, "community"),
            StreetId = Single(query, "street"),
            DistrictId = Single(query, "district"),
            Category = category,
            Overdue = overdue,
            WorkerId = Single(query, "worker"),
            From = from,
            To = to,
            Limit = limit,
            After = Single(query, "cursor") is { } cursor ? ReadCursor(cursor) : null,
            ReporterPhone = Single(query, "phone") is { } phone ? ReadPhone(phone) : null,
            Department = department,
        };
    }

    private static string ReadPhone(string text)
    {
        var key = IncidentRegister.PhoneKey(text);
        return text.Length <= CaseText.MaxPhoneLength && key.Length is >= 3 and <= 20
            ? key
            : throw new ValidationFailedException("phone", $"'{text}' is not a phone number: 3 to 20 digits (spaces, dashes and a leading + are ignored).");
    }

    public static string WriteCursor(IncidentCursor cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{cursor.ReportedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{cursor.Id}"));

    private static IncidentCursor ReadCursor(string text)
    {
        try
        {
            var plain = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            var colon = plain.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(plain.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks && IncidentIds.IsWellFormed(plain[(colon + 1)..]))
            {
                return new IncidentCursor(new DateTimeOffset(ticks, TimeSpan.Zero), plain[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ValidationFailedException("cursor", "The cursor is not one this API gave out; pass back the 'next' value of the previous page.");
    }

    private static IEnumerable<string> Values(IQueryCollection query, string name) =>
        query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw new ValidationFailedException(name, $"Give '{name}' once.");
        }

        return string.IsNullOrWhiteSpace(values.ToString()) ? null : values.ToString().Trim();
    }

    internal static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        // An unescaped '+' of an offset arrives as a space.
        var text = Single(query, name)?.Replace(' ', '+');
        return text switch
        {
            null => null,
            _ when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) =>
                at >= IncidentRegister.Earliest && at <= IncidentRegister.Latest
                    ? at
                    : throw new ValidationFailedException(name,
                        $"'{text}' is outside the times a search may name: {IncidentRegister.Earliest:yyyy-MM-dd} to {IncidentRegister.Latest:yyyy-MM-dd} (UTC)."),
            _ => throw new ValidationFailedException(name, $"'{text}' is not a time such as 2026-11-23T08:00:00+08:00."),
        };
    }
}
