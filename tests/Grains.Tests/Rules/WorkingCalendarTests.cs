using Dispatch.Calendar;
using Dispatch.Catalog;
using Dispatch.Incidents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dispatch.Tests.Rules;

/// <summary>Limits in working time through the shipped 2026 calendar: working hours 09:00–12:00 and 13:30–17:30, Monday to Friday.</summary>
public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = CalendarFiles.Shipped();

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Working_hours_stop_over_the_weekend()
    {
        // Friday 27 November 16:30: one hour left that day, the second on Monday morning.
        Assert.Equal(At(11, 30, 10), Calendar.AddWorkingTime(At(11, 27, 16, 30), TimeSpan.FromHours(2)));
        // Reported on Saturday: the clock starts on Monday at nine.
        Assert.Equal(At(11, 30, 11), Calendar.AddWorkingTime(At(11, 28, 15), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Working_hours_stop_over_the_lunch_break_and_the_night()
    {
        Assert.Equal(At(11, 23, 14, 30), Calendar.AddWorkingTime(At(11, 23, 11), TimeSpan.FromHours(2)));
        Assert.Equal(At(11, 23, 10), Calendar.AddWorkingTime(At(11, 23, 8), TimeSpan.FromHours(1)));
        Assert.Equal(At(11, 24, 9, 30), Calendar.AddWorkingTime(At(11, 23, 17), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_public_holiday_is_not_worked()
    {
        // 30 September 17:00: half an hour that day; 1–7 October is the National Day holiday; Thursday 8 October.
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 1)));
        Assert.Equal(At(10, 8, 9, 30), Calendar.AddWorkingTime(At(9, 30, 17), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_make_up_working_day_is_worked_though_it_is_a_weekend()
    {
        // Saturday 10 October is worked in exchange for the holiday (调休).
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 10, 10)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 11)));
        Assert.Equal(At(10, 10, 9, 30), Calendar.AddWorkingTime(At(10, 9, 17), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Whole_days_of_a_limit_are_working_days()
    {
        // A working day is seven hours: Friday 10:00 plus one working day is Monday 10:00.
        Assert.Equal(TimeSpan.FromHours(7), Calendar.DayLength(2026));
        Assert.Equal(At(11, 30, 10), Calendar.AddLimit(At(11, 27, 10), TimeSpan.FromDays(1)));
        // Five working days from Wednesday 30 September skip the holiday week and count Saturday 10 October.
        Assert.Equal(At(10, 13, 10), Calendar.AddLimit(At(9, 30, 10), TimeSpan.FromDays(5)));
    }

    [Fact]
    public void Ordinary_categories_count_in_working_time_emergencies_and_continuous_ones_on_the_clock()
    {
        var catalog = CategoryCatalog.Default;
        var saturdayNight = At(11, 28, 23);

        Assert.Equal(saturdayNight + TimeSpan.FromHours(1), IncidentDeadlines.ResolveDue(catalog.Get("gas-leak"), saturdayNight, Calendar));
        Assert.Equal(At(11, 30, 11), IncidentDeadlines.AcceptDue(catalog.Get("sanitation"), saturdayNight, Calendar));
        var continuous = catalog.Get("sanitation") with { LimitUnit = LimitUnit.Continuous };
        Assert.Equal(saturdayNight + TimeSpan.FromHours(2), IncidentDeadlines.AcceptDue(continuous, saturdayNight, Calendar));
    }

    [Fact]
    public void The_first_contact_stage_runs_from_registration_in_working_time_and_only_for_residents_reports()
    {
        var catalog = CategoryCatalog.Default;
        var sanitation = catalog.Get("sanitation");
        Assert.Equal(TimeSpan.FromHours(4), sanitation.ContactWithin);

        // Friday 16:00: an hour and a half that day, the rest on Monday morning.
        Assert.Equal(At(11, 30, 11, 30), IncidentDeadlines.ContactDue(sanitation, Channel.Hotline, At(11, 27, 16), Calendar));
        // Before the Mid-Autumn holiday (25–27 September): on to Monday the 28th.
        Assert.Equal(At(9, 28, 11, 30), IncidentDeadlines.ContactDue(sanitation, Channel.App, At(9, 24, 16), Calendar));
        // Friday 9 October: Saturday the 10th is a make-up working day (调休).
        Assert.Equal(At(10, 10, 11, 30), IncidentDeadlines.ContactDue(sanitation, Channel.Open311, At(10, 9, 16), Calendar));
        // An emergency's runs on the clock, through the night.
        Assert.Equal(At(11, 28, 23, 15), IncidentDeadlines.ContactDue(catalog.Get("gas-leak"), Channel.Hotline, At(11, 28, 23), Calendar));

        // Nobody to call back: a worker's own patrol report, a planned visit; a category without the stage.
        Assert.Null(IncidentDeadlines.ContactDue(sanitation, Channel.Patrol, At(11, 27, 16), Calendar));
        Assert.Null(IncidentDeadlines.ContactDue(sanitation, Channel.Visit, At(11, 27, 16), Calendar));
        Assert.Null(IncidentDeadlines.ContactDue(catalog.Get("key-person-visit"), Channel.Hotline, At(11, 27, 16), Calendar));
    }

    [Fact]
    public void A_first_contact_stage_longer_than_the_resolve_limit_is_refused_by_the_catalog()
    {
        var json = CategoryCatalogJson().Replace("\"resolveWithin\": \"1.00:00:00\", \"contactWithin\": \"04:00:00\"",
            "\"resolveWithin\": \"1.00:00:00\", \"contactWithin\": \"2.00:00:00\"", StringComparison.Ordinal);
        var refused = Assert.Throws<InvalidDataException>(() => CategoryCatalog.Load(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains("contactWithin 2.00:00:00: it must be positive and no longer than resolveWithin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_file_that_does_not_make_sense_is_refused_naming_the_problem()
    {
        var both = Assert.Throws<InvalidDataException>(() => CalendarFiles.Parse([("2026.json", Year(holidays: "\"2026-10-10\""))]));
        Assert.Contains("both a holiday and a make-up working day", both.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<InvalidDataException>(() => CalendarFiles.Parse([("2026.json", Year(holidays: "\"2027-01-01\""))]));
        Assert.Contains("2027-01-01 is not in 2026", outside.Message, StringComparison.Ordinal);
        var hours = Assert.Throws<InvalidDataException>(() => CalendarFiles.Parse([("2026.json", Year(hours: "[{\"start\":\"12:00\",\"end\":\"09:00\"}]"))]));
        Assert.Contains("end before they start", hours.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_emergency_category_in_working_time_is_refused_by_the_catalog()
    {
        var json = CategoryCatalogJson().Replace("\"owner\": \"department:gas\",", "\"owner\": \"department:gas\", \"limitUnit\": \"Working\",", StringComparison.Ordinal);
        var refused = Assert.Throws<InvalidDataException>(() => CategoryCatalog.Load(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains("'gas-leak' is an emergency", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_calendar_folder_is_swapped_in_whole_and_a_broken_one_leaves_the_calendar_in_use()
    {
        var folder = Directory.CreateTempSubdirectory("dispatch-calendar-").FullName;
        try
        {
            var file = Path.Combine(folder, "2026.json");
            File.WriteAllText(file, Year(holidays: ""));
            var city = new CityCalendar(CalendarFiles.LoadFolder(folder));
            var reloader = new CalendarReloader(city, Options.Create(new DispatchOptions { CalendarFolder = folder }), NullLogger<CalendarReloader>.Instance);
            Assert.True(city.Current.IsWorkingDay(new DateOnly(2026, 12, 1)));
            Assert.True(reloader.Reload(folder));

            File.WriteAllText(file, Year(holidays: "\"2026-12-01\""));
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            Assert.True(reloader.Reload(folder));
            Assert.False(city.Current.IsWorkingDay(new DateOnly(2026, 12, 1)));

            var good = city.Current;
            File.WriteAllText(file, "{ not json");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(2));
            Assert.False(reloader.Reload(folder));
            Assert.Same(good, city.Current);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Year(string holidays = "", string hours = "[{\"start\":\"09:00\",\"end\":\"12:00\"},{\"start\":\"13:30\",\"end\":\"17:30\"}]") =>
        $$"""
        { "year": 2026, "timeZone": "Asia/Shanghai", "workingHours": {{hours}},
          "workingDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
          "holidays": [{{holidays}}], "makeUpWorkingDays": ["2026-10-10"] }
        """;

    private static string CategoryCatalogJson()
    {
        using var stream = typeof(CategoryCatalog).Assembly.GetManifestResourceStream("Dispatch.Catalog.catalog.json")!;
        return new StreamReader(stream).ReadToEnd();
    }
}
