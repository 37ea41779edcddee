using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// The access list at registration: which desk takes a case in and tracks its clock. A category
/// owned by the grid goes to the grid; one owned by a higher level or a department goes straight
/// to that desk. A place that lies below no desk of the owning level falls to the lowest desk that holds it.
/// </summary>
public static class OwnerResolver
{
    public static DeskRef TrackerFor(CategoryDefinition category, TerritoryPath path)
    {
        var level = category.OwnerLevel;
        if (level == OrgLevel.Department)
        {
            return DeskRef.Department(category.OwnerDepartment!);
        }

        // The owning level's desk, if the place lies inside an area of that level.
        if (path.IdAt(level) is { } id)
        {
            return new DeskRef(level, id);
        }

        // Outside the owning level's areas (a point in a street's margin for a grid category):
        // the lowest desk that holds the place, which then lies above the owning level. Never a drop.
        return path.LowestDesk;
    }
}
