using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>What the assessment reads of one case: a few columns of its register line.</summary>
public sealed record AssessedCase(
    string? DistrictId,
    string? StreetId,
    string? CommunityId,
    string Tracker,
    string Category,
    IncidentStatus Status,
    DateTimeOffset ReportedAt,
    DateTimeOffset? AcceptedAt,
    bool? OnTime,
    int? Rating,
    int ReworkCount,
    int Extensions = 0,
    int Appeals = 0,
    bool ContactMissed = false,
    DateTimeOffset? FiledAt = null)
{
    public static AssessedCase Of(CaseState s) => new(s.Placement.Path.DistrictId, s.Placement.Path.StreetId, s.Placement.Path.CommunityId, s.Tracker.Key, s.Category, s.Status,
        s.ReportedAt, s.AcceptedAt, s.ResolvedOnTime, s.Rating, s.ReworkCount, s.ExtensionsGranted, s.Appeals, s.ContactMissed, s.FiledAt);

    /// <summary>Whether the case lies in <paramref name="area"/> (a district, street or community).</summary>
    public bool LiesIn(DeskRef area) => area.Level switch
    {
        OrgLevel.District => DistrictId == area.Id,
        OrgLevel.Street => StreetId == area.Id,
        OrgLevel.Community => CommunityId == area.Id,
        _ => false,
    };
}

/// <summary>
/// The monthly assessment's rules (the 12345 hotline's three rates, ranked): every case reported in
/// the period counts for the street and community it lies in, or for the department that owns it;
/// duplicates merged into another case, cancelled reports and reports the on-site check did not
/// confirm (核实) do not count.
/// <list type="bullet">
/// <item>response rate: cases accepted (signed for) within their category's sign-for limit of the filing (立案: the report,
/// or the confirmation of a report held for its on-site check), counted as
/// the category counts its limits (working time or continuously), whose resident was reached within the first-contact
/// limit where the category has one, of all cases;</item>
/// <item>resolution rate: cases closed after verification, of all cases;</item>
/// <item>satisfaction rate: ratings of 4 or 5, of the cases rated;</item>
/// <item>on-time rate: cases closed within their resolve limit, of the cases closed (shown, not scored);</item>
/// <item>extensions granted and appeals, counted (shown, not scored).</item>
/// </list>
/// The score is the weighted mean of the three rates a unit has (×100); ranks are shared on equal scores.
/// </summary>
public static class CaseAssessment
{
    public const int SatisfiedFrom = 4;

    public static IReadOnlyList<AssessedUnit> Rank(IEnumerable<AssessedCase> cases, OrgLevel level, CategoryCatalog catalog,
        Calendar.WorkingCalendar calendar, AssessmentWeights weights, Func<string, string> nameOf)
    {
        var units = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            if (c.Status is IncidentStatus.Merged or IncidentStatus.Cancelled or IncidentStatus.Unconfirmed || UnitOf(c, level) is not { } unit)
            {
                continue;
            }

            if (!units.TryGetValue(unit, out var tally))
            {
                units[unit] = tally = new Tally();
            }

            tally.Add(c, catalog, calendar);
        }

        var scored = units.Select(u => u.Value.ToUnit(u.Key, nameOf(u.Key), weights))
            .OrderByDescending(u => u.Score).ThenByDescending(u => u.Cases).ThenBy(u => u.Desk, StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < scored.Count; i++)
        {
            var rank = i > 0 && scored[i].Score == scored[i - 1].Score ? scored[i - 1].Rank : i + 1;
            scored[i] = scored[i] with { Rank = rank };
        }

        return scored;
    }

    /// <summary>The desk key of the unit a case counts for at <paramref name="level"/>, or null when it counts for none there.</summary>
    public static string? UnitOf(AssessedCase c, OrgLevel level) => level switch
    {
        OrgLevel.Street => c.StreetId is { } street ? new DeskRef(OrgLevel.Street, street).Key : null,
        OrgLevel.Community => c.CommunityId is { } community ? new DeskRef(OrgLevel.Community, community).Key : null,
        OrgLevel.Department => c.Tracker.StartsWith("department:", StringComparison.Ordinal) ? c.Tracker : null,
        _ => throw new Errors.ValidationFailedException("level", "An assessment ranks streets, communities or departments."),
    };

    private sealed class Tally
    {
        private int _cases, _responded, _resolved, _rated, _satisfied, _onTime, _reworked, _open, _extensions, _appeals;

        public void Add(AssessedCase c, CategoryCatalog catalog, Calendar.WorkingCalendar calendar)
        {
            _cases++;
            if (c.AcceptedAt is { } accepted && !c.ContactMissed
                && (!catalog.TryGet(c.Category, out var category) || accepted <= IncidentDeadlines.AcceptDue(category, c.FiledAt ?? c.ReportedAt, calendar)))
            {
                _responded++;
            }

            var closed = c.Status is IncidentStatus.Closed or IncidentStatus.Rated;
            _resolved += closed ? 1 : 0;
            _onTime += closed && c.OnTime == true ? 1 : 0;
            _open += c.Status.IsOpen() ? 1 : 0;
            _reworked += c.ReworkCount > 0 ? 1 : 0;
            _extensions += c.Extensions;
            _appeals += c.Appeals;
            if (c.Rating is { } rating)
            {
                _rated++;
                _satisfied += rating >= SatisfiedFrom ? 1 : 0;
            }
        }

        public AssessedUnit ToUnit(string desk, string name, AssessmentWeights weights)
        {
            var response = Rate(_responded, _cases);
            var resolution = Rate(_resolved, _cases);
            var satisfaction = Rate(_satisfied, _rated);
            return new AssessedUnit(0, desk, name, _cases, _responded, response, _resolved, resolution, _rated, _satisfied, satisfaction,
                _onTime, Rate(_onTime, _resolved), _reworked, _open, Score(weights, response, resolution, satisfaction), _extensions, _appeals);
        }

        private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

        private static double Score(AssessmentWeights weights, double? response, double? resolution, double? satisfaction)
        {
            double sum = 0, weight = 0;
            foreach (var (rate, w) in new[] { (response, weights.Response), (resolution, weights.Resolution), (satisfaction, weights.Satisfaction) })
            {
                if (rate is { } r)
                {
                    sum += r * w;
                    weight += w;
                }
            }

            return weight == 0 ? 0 : Math.Round(100 * sum / weight, 2);
        }
    }
}
