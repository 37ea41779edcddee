using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>Where a case goes next when its clock runs out: one level up from where it last was.</summary>
public static class EscalationChain
{
    private static readonly OrgLevel[] AreaLevels = [OrgLevel.Community, OrgLevel.Street, OrgLevel.District, OrgLevel.City];

    /// <summary>The next desk up, or null when the case is already at the city command centre.</summary>
    public static DeskRef? Next(TerritoryPath path, DeskRef tracker, IReadOnlyList<EscalationStep> done)
    {
        var current = done.Count > 0 ? done[^1].Desk.Level : tracker.Level;

        // A department sits beside the territory; its cases go up through the district of the place.
        var floor = current == OrgLevel.Department ? OrgLevel.Street : current;
        foreach (var level in AreaLevels)
        {
            if (level > floor && path.IdAt(level) is { } id)
            {
                return new DeskRef(level, id);
            }
        }

        return null;
    }
}
