using Dispatch.Calendar;
using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// The case's clocks, from the catalog: accept runs from each dispatch, first contact and resolve
/// from registration (resolve afresh for rework), each in the city's working time unless the category counts continuously
/// (emergencies always do); each escalation level has its own supervision window, in clock time.
/// </summary>
public static class IncidentDeadlines
{
    public static DateTimeOffset ResolveDue(CategoryDefinition category, DateTimeOffset from, WorkingCalendar calendar) =>
        Limit(category, category.ResolveWithin, from, calendar);

    public static DateTimeOffset AcceptDue(CategoryDefinition category, DateTimeOffset dispatchedAt, WorkingCalendar calendar) =>
        Limit(category, category.AcceptWithin, dispatchedAt, calendar);

    /// <summary>
    /// When the resident must have been contacted, from registration: null for a category without the
    /// stage, and for reports nobody needs to call back (a worker's patrol, a planned visit).
    /// </summary>
    public static DateTimeOffset? ContactDue(CategoryDefinition category, Channel channel, DateTimeOffset registeredAt, WorkingCalendar calendar) =>
        category.ContactWithin is { } within && channel is not (Channel.Patrol or Channel.Visit)
            ? Limit(category, within, registeredAt, calendar)
            : null;

    /// <summary>When the on-site check (核实) of a report held before filing is due; the category must have a confirm limit.</summary>
    public static DateTimeOffset ConfirmDue(CategoryDefinition category, DateTimeOffset from, WorkingCalendar calendar) =>
        Limit(category, category.ConfirmWithin ?? throw new InvalidOperationException($"Category '{category.Code}' is filed at once: it has no confirm limit."), from, calendar);

    /// <summary>When a case that has just reached <paramref name="level"/> goes further up; null at the top.</summary>
    public static DateTimeOffset? NextEscalationDue(CategoryCatalog catalog, CategoryDefinition category, OrgLevel level, DateTimeOffset at) =>
        level >= OrgLevel.City ? null : at + catalog.EscalationWindow(category.Urgency, level);

    private static DateTimeOffset Limit(CategoryDefinition category, TimeSpan limit, DateTimeOffset from, WorkingCalendar calendar) =>
        category.CountsWorkingTime ? calendar.AddLimit(from, limit) : from + limit;
}
