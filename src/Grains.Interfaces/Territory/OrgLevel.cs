namespace Dispatch.Territory;

/// <summary>
/// The levels of the territory tree, from the grid up to the city, plus departments,
/// which own categories on the access list but have no territory of their own.
/// The numeric order is the escalation order.
/// </summary>
public enum OrgLevel
{
    Grid = 0,
    Community = 1,
    Street = 2,
    District = 3,
    City = 4,
    Department = 5,
}
