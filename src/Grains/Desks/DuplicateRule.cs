using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Desks;

/// <summary>
/// When a new report repeats an open case of its desk, so that the desk merges it there instead of
/// sending a second worker: same category, and the same building — or, where either was located by
/// coordinates (a phone's position), within <c>Dispatch:MergeRadiusMeters</c> of each other. Two
/// buildings side by side stay two cases; a big building stays one place however far apart its
/// callers stand. Visits of a plan are never duplicates, and a case an operator separated from a
/// primary is not merged into it again.
/// </summary>
public static class DuplicateRule
{
    /// <summary>The mean radius of the Earth (IUGG), in metres.</summary>
    private const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Whether <paramref name="taken"/>, new on the desk, repeats the open case <paramref name="open"/>.</summary>
    public static bool Repeats(CaseState taken, CaseState open, double radiusMeters) =>
        taken.Id != open.Id
        && taken.Channel != Channel.Visit && open.Channel != Channel.Visit
        // A held report (核实) may repeat a filed case or another held one; a filed report never merges
        // into a held one, which may yet come to nothing.
        && (open.Status.IsAwaitingResult() || (open.Status == IncidentStatus.AwaitingConfirmation && taken.Status == IncidentStatus.AwaitingConfirmation))
        && string.Equals(open.Category, taken.Category, StringComparison.OrdinalIgnoreCase)
        && !taken.SeparatedFrom.Contains(open.Id)
        && SamePlace(taken.Placement, open.Placement, radiusMeters);

    /// <summary>The same building, or (either located by coordinates) points within the radius; a radius of 0 turns the distance off.</summary>
    public static bool SamePlace(Placement a, Placement b, double radiusMeters)
    {
        if (a.BuildingId is { } building && a.BuildingId == b.BuildingId)
        {
            return true;
        }

        return radiusMeters > 0
            && (a.Method == PlacementMethod.Coordinates || b.Method == PlacementMethod.Coordinates)
            && a is { Longitude: { } lon1, Latitude: { } lat1 } && b is { Longitude: { } lon2, Latitude: { } lat2 }
            && DistanceMeters(lon1, lat1, lon2, lat2) <= radiusMeters;
    }

    /// <summary>The great-circle distance between two WGS 84 points (haversine; within 0.5% of the ellipsoid's).</summary>
    public static double DistanceMeters(double lon1, double lat1, double lon2, double lat2)
    {
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));

        static double Radians(double degrees) => degrees * Math.PI / 180;
    }
}
