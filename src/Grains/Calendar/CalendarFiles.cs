using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatch.Calendar;

/// <summary>
/// Reads a working calendar from its files, one per year (<c>2026.json</c>): the time zone, working
/// hours, working days, public holidays and make-up working days (调休). A file that does not make
/// sense is refused whole, naming what is wrong, so a bad edit never half-replaces a good calendar.
/// </summary>
public static class CalendarFiles
{
    private const string ResourcePrefix = "Dispatch.Calendar.years.";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The calendar shipped with Dispatch (embedded year files).</summary>
    public static WorkingCalendar Shipped()
    {
        var assembly = typeof(CalendarFiles).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (n, reader.ReadToEnd());
            });
        return Parse(files);
    }

    /// <summary>Every <c>YYYY.json</c> of <paramref name="folder"/>.</summary>
    public static WorkingCalendar LoadFolder(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.json")
            .Where(f => int.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllText(f)))
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"{folder}: no calendar files (one per year, such as 2026.json).");
        }

        return Parse(files);
    }

    /// <summary>A calendar from (source name, JSON text) pairs, one per year, all in one time zone.</summary>
    public static WorkingCalendar Parse(IEnumerable<(string Source, string Json)> files)
    {
        var errors = new List<string>();
        var years = new List<CalendarYear>();
        TimeZoneInfo? zone = null;
        foreach (var (source, json) in files)
        {
            YearDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<YearDocument>(json, JsonOptions);
            }
            catch (JsonException ex)
            {
                errors.Add($"{source}: not a calendar year: {ex.Message}");
                continue;
            }

            if (document is null)
            {
                errors.Add($"{source}: empty");
                continue;
            }

            if (Check(source, document, errors) is { } year)
            {
                var fileZone = ZoneOf(document.TimeZone ?? "Asia/Shanghai");
                if (fileZone is null)
                {
                    errors.Add($"{source}: unknown time zone '{document.TimeZone}'");
                }
                else if (zone is not null && zone.Id != fileZone.Id)
                {
                    errors.Add($"{source}: time zone '{fileZone.Id}' differs from the other years' '{zone.Id}'");
                }
                else
                {
                    zone = fileZone;
                    if (years.Any(y => y.Year == year.Year))
                    {
                        errors.Add($"{source}: year {year.Year} is given twice");
                    }

                    years.Add(year);
                }
            }
        }

        if (errors.Count == 0 && years.Count == 0)
        {
            errors.Add("no calendar years");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"The working calendar is refused: {string.Join("; ", errors)}.");
        }

        return new WorkingCalendar(zone!, years);
    }

    private static CalendarYear? Check(string source, YearDocument d, List<string> errors)
    {
        var before = errors.Count;
        if (d.Year is < 2000 or > 2200)
        {
            errors.Add($"{source}: 'year' {d.Year} is not a year");
        }

        var hours = d.WorkingHours ?? [];
        if (hours.Count == 0)
        {
            errors.Add($"{source}: 'workingHours' is empty");
        }

        for (var i = 0; i < hours.Count; i++)
        {
            if (hours[i].Start >= hours[i].End)
            {
                errors.Add($"{source}: working hours {hours[i].Start}–{hours[i].End} end before they start");
            }
            else if (i > 0 && hours[i].Start < hours[i - 1].End)
            {
                errors.Add($"{source}: working hours {hours[i].Start}–{hours[i].End} overlap or come before the previous ones");
            }
        }

        var days = d.WorkingDays ?? [];
        if (days.Count == 0)
        {
            errors.Add($"{source}: 'workingDays' is empty");
        }

        var holidays = d.Holidays ?? [];
        var makeUp = d.MakeUpWorkingDays ?? [];
        foreach (var date in holidays.Concat(makeUp).Where(x => x.Year != d.Year))
        {
            errors.Add($"{source}: {date:yyyy-MM-dd} is not in {d.Year}");
        }

        foreach (var date in holidays.Intersect(makeUp))
        {
            errors.Add($"{source}: {date:yyyy-MM-dd} is both a holiday and a make-up working day");
        }

        return errors.Count > before
            ? null
            : new CalendarYear(d.Year, hours.Select(h => new WorkingHours(h.Start, h.End)).ToArray(), days.ToHashSet(), holidays.ToHashSet(), makeUp.ToHashSet());
    }

    private static TimeZoneInfo? ZoneOf(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // China has kept +08:00 without daylight saving since 1991: a host without tz data still counts right.
            return id == "Asia/Shanghai" ? TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), id, id) : null;
        }
    }

    private sealed record HoursDocument(TimeOnly Start, TimeOnly End);

    private sealed record YearDocument(
        int Year,
        string? TimeZone,
        List<HoursDocument>? WorkingHours,
        List<DayOfWeek>? WorkingDays,
        List<DateOnly>? Holidays,
        List<DateOnly>? MakeUpWorkingDays);
}
