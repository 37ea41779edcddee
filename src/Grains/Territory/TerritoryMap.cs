using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;

namespace Dispatch.Territory;

/// <summary>
/// The territory tree with its boundaries, indexed for point-in-polygon routing. Immutable once
/// built, so one instance serves concurrent readers. Each level has its own STR-tree of prepared
/// polygons: a lookup queries the envelope index, then tests only the few candidates it returns.
/// </summary>
public sealed class TerritoryMap
{
    private readonly Dictionary<string, AreaInfo> _areas;
    private readonly Dictionary<string, GridInfo> _grids;
    private readonly Dictionary<string, List<string>> _children;
    private readonly STRtree<Shape> _gridIndex = new();
    private readonly Dictionary<OrgLevel, STRtree<Shape>> _areaIndex = [];

    private sealed record Shape(string Id, IPreparedGeometry Geometry);

    private TerritoryMap(string cityId, Dictionary<string, AreaInfo> areas, Dictionary<string, GridInfo> grids, Dictionary<string, List<string>> children)
    {
        CityId = cityId;
        _areas = areas;
        _grids = grids;
        _children = children;
    }

    public string CityId { get; }

    public IEnumerable<AreaInfo> Areas => _areas.Values;

    public IEnumerable<GridInfo> Grids => _grids.Values;

    public int GridCount => _grids.Count;

    public int CountOf(OrgLevel level) => level == OrgLevel.Grid ? _grids.Count : _areas.Values.Count(a => a.Level == level);

    public static TerritoryMap Build(IEnumerable<AreaInfo> areas, IEnumerable<GridInfo> grids)
    {
        var errors = new List<string>();
        var areaById = new Dictionary<string, AreaInfo>(StringComparer.Ordinal);
        foreach (var area in areas)
        {
            if (!areaById.TryAdd(area.Id, area))
            {
                errors.Add($"area '{area.Id}' appears twice");
            }
        }

        var gridById = new Dictionary<string, GridInfo>(StringComparer.Ordinal);
        foreach (var grid in grids)
        {
            if (!gridById.TryAdd(grid.Id, grid) || areaById.ContainsKey(grid.Id))
            {
                errors.Add($"grid '{grid.Id}' appears twice or shares an area's id");
            }
        }

        var cities = areaById.Values.Where(a => a.Level == OrgLevel.City).ToArray();
        if (cities.Length != 1)
        {
            errors.Add($"a territory has exactly one city, not {cities.Length}");
        }

        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var area in areaById.Values)
        {
            if (area.Level == OrgLevel.City)
            {
                continue;
            }

            if (area.Level is OrgLevel.Grid or OrgLevel.Department)
            {
                errors.Add($"area '{area.Id}' has level {area.Level}; grids and departments are not areas");
            }
            else if (area.ParentId is null || !areaById.TryGetValue(area.ParentId, out var parent))
            {
                errors.Add($"area '{area.Id}' names parent '{area.ParentId}', which does not exist");
            }
            else if (parent.Level != area.Level + 1)
            {
                errors.Add($"{area.Level} '{area.Id}' sits under {parent.Level} '{parent.Id}'; expected a {area.Level + 1}");
            }
            else
            {
                ChildList(children, parent.Id).Add(area.Id);
            }
        }

        foreach (var grid in gridById.Values)
        {
            if (!areaById.TryGetValue(grid.CommunityId, out var community) || community.Level != OrgLevel.Community)
            {
                errors.Add($"grid '{grid.Id}' names community '{grid.CommunityId}', which does not exist");
            }
            else
            {
                ChildList(children, community.Id).Add(grid.Id);
            }
        }

        var reader = new WKTReader();
        var map = errors.Count == 0 ? new TerritoryMap(cities[0].Id, areaById, gridById, children) : null;
        foreach (var grid in gridById.Values)
        {
            if (Parse(reader, grid.BoundaryWkt, $"grid '{grid.Id}'", errors) is { } geometry)
            {
                map?._gridIndex.Insert(geometry.EnvelopeInternal, new Shape(grid.Id, PreparedGeometryFactory.Prepare(geometry)));
            }
        }

        foreach (var area in areaById.Values.Where(a => a.BoundaryWkt is not null))
        {
            if (Parse(reader, area.BoundaryWkt!, $"{area.Level} '{area.Id}'", errors) is { } geometry && map is not null)
            {
                if (!map._areaIndex.TryGetValue(area.Level, out var index))
                {
                    map._areaIndex[area.Level] = index = new STRtree<Shape>();
                }

                index.Insert(geometry.EnvelopeInternal, new Shape(area.Id, PreparedGeometryFactory.Prepare(geometry)));
            }
        }

        if (errors.Count > 0 || map is null)
        {
            throw new InvalidDataException($"The territory is not valid: {string.Join("; ", errors)}.");
        }

        foreach (var list in children.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }

        map._gridIndex.Build();
        foreach (var index in map._areaIndex.Values)
        {
            index.Build();
        }

        return map;
    }

    /// <summary>
    /// The grid whose boundary covers the point (boundary included; on a boundary shared by grids,
    /// the lowest grid id). Outside every grid: the lowest area that covers it. Outside everything:
    /// the city alone — the city command centre takes it, it is never dropped.
    /// </summary>
    public TerritoryPath Locate(double longitude, double latitude)
    {
        var point = new Point(longitude, latitude);
        if (Find(_gridIndex, point) is { } gridId)
        {
            return PathOfGrid(gridId)!;
        }

        foreach (var level in new[] { OrgLevel.Community, OrgLevel.Street, OrgLevel.District })
        {
            if (_areaIndex.TryGetValue(level, out var index) && Find(index, point) is { } areaId)
            {
                return PathOfArea(areaId)!;
            }
        }

        return new TerritoryPath(CityId, null, null, null, null);
    }

    public TerritoryPath? PathOfGrid(string gridId) =>
        _grids.TryGetValue(gridId, out var grid) ? PathOfArea(grid.CommunityId)! with { GridId = gridId } : null;

    public TerritoryPath? PathOfArea(string areaId)
    {
        if (!_areas.TryGetValue(areaId, out var area))
        {
            return null;
        }

        string? district = null, street = null, community = null;
        for (var current = area; current is not null; current = current.ParentId is { } p ? _areas[p] : null)
        {
            switch (current.Level)
            {
                case OrgLevel.District: district = current.Id; break;
                case OrgLevel.Street: street = current.Id; break;
                case OrgLevel.Community: community = current.Id; break;
            }
        }

        return new TerritoryPath(CityId, district, street, community, null);
    }

    public AreaInfo? GetArea(string id) => _areas.GetValueOrDefault(id);

    public GridInfo? GetGrid(string id) => _grids.GetValueOrDefault(id);

    /// <summary>The areas directly below an area, or the grids of a community; sorted by id.</summary>
    public IReadOnlyList<string> ChildrenOf(string areaId) => _children.TryGetValue(areaId, out var list) ? list : [];

    private static string? Find(STRtree<Shape> index, Point point)
    {
        string? found = null;
        foreach (var shape in index.Query(point.EnvelopeInternal))
        {
            if ((found is null || string.CompareOrdinal(shape.Id, found) < 0) && shape.Geometry.Covers(point))
            {
                found = shape.Id;
            }
        }

        return found;
    }

    private static Geometry? Parse(WKTReader reader, string wkt, string what, List<string> errors)
    {
        try
        {
            var geometry = reader.Read(wkt);
            if (geometry is not (Polygon or MultiPolygon) || !geometry.IsValid || geometry.IsEmpty)
            {
                errors.Add($"{what} has a boundary that is not a valid polygon");
                return null;
            }

            return geometry;
        }
        catch (ParseException ex)
        {
            errors.Add($"{what} has a boundary that is not WKT: {ex.Message}");
            return null;
        }
    }

    private static List<string> ChildList(Dictionary<string, List<string>> children, string id)
    {
        if (!children.TryGetValue(id, out var list))
        {
            children[id] = list = [];
        }

        return list;
    }
}
