namespace Dispatch.Calendar;

/// <summary>A span of working time within a day, in the city's local time.</summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End);

/// <summary>
/// One year of a city's working calendar: its working hours, its working days of the week, its public
/// holidays and its make-up working days (调休: a weekend day worked in exchange for a holiday).
/// </summary>
public sealed record CalendarYear(
    int Year,
    IReadOnlyList<WorkingHours> Hours,
    IReadOnlySet<DayOfWeek> WorkingDays,
    IReadOnlySet<DateOnly> Holidays,
    IReadOnlySet<DateOnly> MakeUpWorkingDays);

/// <summary>
/// The city's working time: which moments count towards a limit counted in working hours or working
/// days. Immutable; <see cref="CityCalendar"/> swaps a new one in whole. A year with no file of its
/// own works the hours and weekdays of the nearest year that has one, without holidays.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>How far a limit may reach before the calendar gives up (a calendar with no working time at all).</summary>
    private const int MaxDaysSearched = 3 * 366;

    private readonly SortedDictionary<int, CalendarYear> _years;

    public WorkingCalendar(TimeZoneInfo zone, IEnumerable<CalendarYear> years)
    {
        Zone = zone;
        _years = new SortedDictionary<int, CalendarYear>(years.ToDictionary(y => y.Year));
        if (_years.Count == 0)
        {
            throw new ArgumentException("A working calendar needs at least one year.", nameof(years));
        }
    }

    /// <summary>A calendar of weekdays 09:00–12:00 and 13:30–17:30 without holidays: the fallback when no file is read.</summary>
    public static WorkingCalendar Weekdays(TimeZoneInfo zone, int year) => new(zone,
    [
        new CalendarYear(year,
            [new WorkingHours(new TimeOnly(9, 0), new TimeOnly(12, 0)), new WorkingHours(new TimeOnly(13, 30), new TimeOnly(17, 30))],
            new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
            new HashSet<DateOnly>(),
            new HashSet<DateOnly>()),
    ]);

    public TimeZoneInfo Zone { get; }

    public IReadOnlyCollection<int> Years => _years.Keys;

    /// <summary>Whether <paramref name="date"/> is worked: a make-up day always, a holiday never, else by the day of the week.</summary>
    public bool IsWorkingDay(DateOnly date)
    {
        var year = YearOf(date.Year);
        if (year.Year == date.Year)
        {
            if (year.MakeUpWorkingDays.Contains(date))
            {
                return true;
            }

            if (year.Holidays.Contains(date))
            {
                return false;
            }
        }

        return year.WorkingDays.Contains(date.DayOfWeek);
    }

    /// <summary>The working time of one working day (the sum of its working hours).</summary>
    public TimeSpan DayLength(int year) => YearOf(year).Hours.Aggregate(TimeSpan.Zero, (sum, h) => sum + (h.End - h.Start));

    /// <summary>
    /// A limit from the catalog counted in working time: its whole days are working days (each the
    /// length of a working day) and the rest working hours — "5.00:00:00" is five working days,
    /// "04:00:00" four working hours — added from <paramref name="from"/>.
    /// </summary>
    public DateTimeOffset AddLimit(DateTimeOffset from, TimeSpan limit)
    {
        var days = limit.Days;
        var hours = limit - TimeSpan.FromDays(days);
        return AddWorkingTime(from, (DayLength(LocalDate(from).Year) * days) + hours);
    }

    /// <summary>The moment when <paramref name="amount"/> of working time has passed after <paramref name="from"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero)
        {
            return from;
        }

        var local = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var date = DateOnly.FromDateTime(local);
        var left = amount;
        for (var day = 0; day < MaxDaysSearched; day++, date = date.AddDays(1))
        {
            if (!IsWorkingDay(date))
            {
                continue;
            }

            foreach (var window in YearOf(date.Year).Hours)
            {
                var start = date.ToDateTime(window.Start);
                var end = date.ToDateTime(window.End);
                if (local >= end)
                {
                    continue;
                }

                var begin = local > start ? local : start;
                if (left <= end - begin)
                {
                    return ToInstant(begin + left);
                }

                left -= end - begin;
            }
        }

        throw new InvalidOperationException($"The working calendar has no working time within {MaxDaysSearched} days of {from:u}.");
    }

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    private DateTimeOffset ToInstant(DateTime local) => new(local, Zone.GetUtcOffset(local));

    /// <summary>The year's own calendar, or the nearest year's for a year without a file.</summary>
    private CalendarYear YearOf(int year)
    {
        if (_years.TryGetValue(year, out var found))
        {
            return found;
        }

        return _years.Values.MinBy(y => Math.Abs(y.Year - year))!;
    }
}
