using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;

namespace Dispatch.Territory.Import;

/// <summary>
/// The geometric checks of an import on WGS84 longitude/latitude boundaries: range, type, validity
/// and safe repair, and areas in square metres (near enough for messages and tolerances).
/// </summary>
public static class Boundaries
{
    private const double MetresPerDegree = 111_320;

    /// <summary>
    /// The boundary to keep, or null when it cannot be used (a problem is added). An invalid ring
    /// (self-intersection, a spike, a hole outside its shell) is repaired with NetTopologySuite's
    /// <see cref="GeometryFixer"/> when that is safe — the result is still polygonal and covers the
    /// same extent, so nothing was cut away — and the repair is reported.
    /// </summary>
    public static Geometry? Checked(Geometry geometry, string where, List<ImportProblem> problems, List<ImportProblem> repairs)
    {
        if (geometry is not (Polygon or MultiPolygon))
        {
            problems.Add(new ImportProblem(where, $"is a {geometry.GeometryType}; a boundary is a Polygon or MultiPolygon"));
            return null;
        }

        if (geometry.IsEmpty)
        {
            problems.Add(new ImportProblem(where, "has an empty boundary"));
            return null;
        }

        foreach (var c in geometry.Coordinates)
        {
            if (double.IsNaN(c.X) || double.IsNaN(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90)
            {
                problems.Add(new ImportProblem(where, $"has the point ({Number(c.X)} {Number(c.Y)}), which is not WGS84 longitude/latitude (a projected file? reproject it to EPSG:4326)"));
                return null;
            }
        }

        var validity = new IsValidOp(geometry);
        if (validity.IsValid)
        {
            return geometry;
        }

        var error = validity.ValidationError;
        var what = $"{error.Message} at ({Number(error.Coordinate.X)} {Number(error.Coordinate.Y)})";
        var fixedGeometry = GeometryFixer.Fix(geometry);
        if (fixedGeometry is (Polygon or MultiPolygon) && !fixedGeometry.IsEmpty && fixedGeometry.IsValid
            && SameExtent(fixedGeometry.EnvelopeInternal, geometry.EnvelopeInternal))
        {
            var parts = fixedGeometry.NumGeometries;
            repairs.Add(new ImportProblem(where, $"repaired: {what}; now {parts} polygon{(parts == 1 ? "" : "s")} of {SquareMetres(fixedGeometry):N0} m²"));
            return fixedGeometry;
        }

        problems.Add(new ImportProblem(where, $"is not a valid polygon ({what}) and cannot be repaired safely"));
        return null;
    }

    /// <summary>About how many square metres a longitude/latitude area covers (at its own latitude).</summary>
    public static double SquareMetres(Geometry geometry) => SquareMetres(geometry.Area, geometry.EnvelopeInternal.Centre.Y);

    public static double SquareMetres(double squareDegrees, double latitude) =>
        squareDegrees * MetresPerDegree * MetresPerDegree * Math.Cos(latitude * Math.PI / 180);

    /// <summary>A point of the geometry for messages: "(108.81234 34.15678)".</summary>
    public static string Around(Geometry geometry)
    {
        var point = geometry.InteriorPoint;
        return point.IsEmpty ? "" : $" around ({Number(point.X)} {Number(point.Y)})";
    }

    public static string Number(double value) => value.ToString("0.#######", CultureInfo.InvariantCulture);

    private static bool SameExtent(Envelope a, Envelope b)
    {
        var slack = 1e-9 * Math.Max(1, Math.Max(b.Width, b.Height));
        return Math.Abs(a.MinX - b.MinX) <= slack && Math.Abs(a.MaxX - b.MaxX) <= slack
            && Math.Abs(a.MinY - b.MinY) <= slack && Math.Abs(a.MaxY - b.MaxY) <= slack;
    }
}
