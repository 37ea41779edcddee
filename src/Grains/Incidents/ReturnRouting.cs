using Dispatch.Errors;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// Where a case goes when the desk that holds it says it is not its own (回退/退单): to the level
/// above that desk, which routes it to the right grid or department; a case returned
/// <see cref="ReturnsBeforeFallback"/> times, or with no level above to route it, goes to the
/// district of the place, which takes it as owner (区政府兜底). Either way someone holds it: a
/// returned case is never left without a desk that must act.
/// </summary>
public static class ReturnRouting
{
    /// <summary>The return that sends a case to the district fallback instead of to a router: the second.</summary>
    public const int ReturnsBeforeFallback = 2;

    /// <summary>The return of <paramref name="s"/> by the desk that tracks it.</summary>
    /// <exception cref="IllegalTransitionException">The fallback desk itself cannot give a case back.</exception>
    public static ReturnData Destination(CaseState s)
    {
        var from = s.Tracker;
        var fallback = FallbackDesk(s.Placement.Path);
        var router = EscalationChain.Next(s.Placement.Path, from, []);
        if (router is { } up && s.ReturnedBy.Count + 1 < ReturnsBeforeFallback && up != fallback)
        {
            return new ReturnData(from, up, Fallback: false);
        }

        if (fallback == from)
        {
            throw new IllegalTransitionException(s.Id, $"held by {from}, the fallback desk (兜底)", "return");
        }

        return new ReturnData(from, fallback, Fallback: true);
    }

    /// <summary>The desk that takes a case nobody else will: the place's district, or the city outside any district.</summary>
    public static DeskRef FallbackDesk(TerritoryPath path) =>
        path.DistrictId is { } district ? new DeskRef(OrgLevel.District, district) : new DeskRef(OrgLevel.City, path.CityId);
}
