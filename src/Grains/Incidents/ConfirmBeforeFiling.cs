using Dispatch.Calendar;
using Dispatch.Catalog;
using Dispatch.Journal;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// Confirm before filing (核实): which reports a grid worker checks on site before they are filed
/// (立案), and the filing itself, of any report or of a held one once its check confirms it. A report is held when its category has a
/// confirm limit in the catalog AND it came through a channel of <c>Dispatch:ConfirmBeforeFiling:Channels</c>
/// AND its place lies in a grid (someone must be able to go and look); anything else is filed at once.
/// </summary>
public static class ConfirmBeforeFiling
{
    public static bool Applies(CategoryDefinition category, Channel channel, TerritoryPath path, ConfirmBeforeFilingOptions options) =>
        category.ConfirmWithin is not null
        && path.GridId is not null
        && channel is not (Channel.Patrol or Channel.Visit)
        && options.Parsed() is { } channels && channels.Contains(channel);

    /// <summary>
    /// The filing of a held report, confirmed by <paramref name="actor"/>: the access list decides who
    /// tracks it from now on, and its first-contact and resolve clocks start now, as they would have at registration.
    /// </summary>
    public static CaseChange Filing(CaseState s, CategoryDefinition category, ActorRef actor, string reason, DateTimeOffset now, WorkingCalendar calendar)
    {
        var filed = Filed(category, s.Channel, s.Placement.Path, now, calendar);
        return new CaseChange(IncidentAction.Register, actor, $"{reason}; filed (立案), owner {category.Owner}, tracked by {filed.Tracker}", filed);
    }

    /// <summary>
    /// What filing a report records, at registration or when its check confirms it: the desk the access
    /// list gives it to, and its resolve and first-contact clocks from <paramref name="now"/>.
    /// </summary>
    public static RegisterData Filed(CategoryDefinition category, Channel channel, TerritoryPath path, DateTimeOffset now, WorkingCalendar calendar) =>
        new(OwnerResolver.TrackerFor(category, path), IncidentDeadlines.ResolveDue(category, now, calendar), IncidentDeadlines.ContactDue(category, channel, now, calendar));
}
