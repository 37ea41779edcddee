using System.Collections.ObjectModel;
using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;

namespace Dispatch.Territory;

/// <summary>
/// The territory tree with its boundaries, indexed for point-in-polygon routing. Immutable once
/// built, so one instance serves any number of concurrent readers: every collection is filled
/// before the constructor returns, the STR-trees are built eagerly (a lazy build would mutate on
/// the first query), and NetTopologySuite's prepared polygons guard their own lazy indexes.
/// </summary>
public sealed class TerritoryMap
{
    // A validation of a broken province could name 100,000 problems; the message stays readable.
    private const int MaxProblemsInMessage = 1000;

    private static readonly GeometryFactory Factory = new();
    private static readonly ReadOnlyCollection<string> NoChildren = new([]);

    // Lowest first: a point outside every grid goes to the smallest area that holds it.
    private static readonly OrgLevel[] FallbackLevels = [OrgLevel.Community, OrgLevel.Street, OrgLevel.District];

    private readonly Dictionary<string, AreaEntry> _areas;
    private readonly Dictionary<string, GridEntry> _grids;
    private readonly STRtree<Shape> _gridIndex;
    private readonly Dictionary<OrgLevel, STRtree<Shape>> _areaIndexes;
    private readonly TerritoryPath _cityPath;

    private TerritoryMap(
        string cityId,
        Dictionary<string, AreaEntry> areas,
        Dictionary<string, GridEntry> grids,
        STRtree<Shape> gridIndex,
        Dictionary<OrgLevel, STRtree<Shape>> areaIndexes)
    {
        CityId = cityId;
        _areas = areas;
        _grids = grids;
        _gridIndex = gridIndex;
        _areaIndexes = areaIndexes;
        _cityPath = new TerritoryPath(cityId, null, null, null, null);
        foreach (var entry in areas.Values)
        {
            switch (entry.Info.Level)
            {
                case OrgLevel.District: DistrictCount++; break;
                case OrgLevel.Street: StreetCount++; break;
                case OrgLevel.Community: CommunityCount++; break;
            }
        }
    }

    public string CityId { get; }

    public int DistrictCount { get; }

    public int StreetCount { get; }

    public int CommunityCount { get; }

    public int GridCount => _grids.Count;

    /// <summary>The city, districts, streets and communities, in the order they were given.</summary>
    public IEnumerable<AreaInfo> Areas => _areas.Values.Select(a => a.Info);

    /// <summary>The grids, in the order they were given.</summary>
    public IEnumerable<GridInfo> Grids => _grids.Values.Select(g => g.Info);

    /// <summary>How many areas (or grids) the map holds at <paramref name="level"/>.</summary>
    public int CountOf(OrgLevel level) => level switch
    {
        OrgLevel.City => 1,
        OrgLevel.District => DistrictCount,
        OrgLevel.Street => StreetCount,
        OrgLevel.Community => CommunityCount,
        OrgLevel.Grid => GridCount,
        _ => 0,
    };

    /// <summary>
    /// Validates the whole tree and indexes its boundaries. Throws <see cref="InvalidDataException"/>
    /// naming every problem found, so that one import round-trip is enough to fix a file.
    /// </summary>
    public static TerritoryMap Build(IEnumerable<AreaInfo> areas, IEnumerable<GridInfo> grids)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(grids);

        var problems = new List<string>();
        var reader = new WKTReader(Factory.GeometryServices);

        var areaById = new Dictionary<string, AreaInfo>(StringComparer.Ordinal);
        foreach (var area in areas)
        {
            if (area is null)
            {
                problems.Add("an area is null");
            }
            else if (string.IsNullOrWhiteSpace(area.Id))
            {
                problems.Add($"a {area.Level} named '{area.Name}' has no id");
            }
            else if (!areaById.TryAdd(area.Id, area))
            {
                problems.Add($"area '{area.Id}' appears more than once");
            }
        }

        var gridById = new Dictionary<string, GridInfo>(StringComparer.Ordinal);
        foreach (var grid in grids)
        {
            if (grid is null)
            {
                problems.Add("a grid is null");
            }
            else if (string.IsNullOrWhiteSpace(grid.Id))
            {
                problems.Add($"a grid named '{grid.Name}' has no id");
            }
            else if (!gridById.TryAdd(grid.Id, grid))
            {
                problems.Add($"grid '{grid.Id}' appears more than once");
            }
            else if (areaById.ContainsKey(grid.Id))
            {
                problems.Add($"grid '{grid.Id}' has the id of an area");
            }
        }

        var cities = areaById.Values.Where(a => a.Level == OrgLevel.City).ToList();
        if (cities.Count != 1)
        {
            problems.Add(cities.Count == 0
                ? "there is no city; a territory has exactly one"
                : $"there are {cities.Count} cities ({string.Join(", ", cities.Select(c => $"'{c.Id}'"))}); a territory has exactly one");
        }

        foreach (var area in areaById.Values)
        {
            CheckParent(area, areaById, problems);
        }

        foreach (var grid in gridById.Values)
        {
            if (!areaById.TryGetValue(grid.CommunityId ?? "", out var community))
            {
                problems.Add($"grid '{grid.Id}' names community '{grid.CommunityId}', which does not exist");
            }
            else if (community.Level != OrgLevel.Community)
            {
                problems.Add($"grid '{grid.Id}' sits under {community.Level} '{community.Id}'; expected a Community");
            }

            if (grid.Households < 0)
            {
                problems.Add($"grid '{grid.Id}' has {grid.Households} households");
            }
        }

        // Parse every boundary even when the tree is already known to be broken, so that one
        // exception names the bad polygons as well.
        var gridShapes = new List<(GridInfo Grid, Geometry Geometry)>(gridById.Count);
        foreach (var grid in gridById.Values)
        {
            if (Parse(reader, grid.BoundaryWkt, $"grid '{grid.Id}'", problems) is { } geometry)
            {
                gridShapes.Add((grid, geometry));
            }
        }

        var areaShapes = new List<(AreaInfo Area, Geometry Geometry)>();
        foreach (var area in areaById.Values.Where(a => a.BoundaryWkt is not null))
        {
            if (Parse(reader, area.BoundaryWkt, $"{area.Level} '{area.Id}'", problems) is { } geometry)
            {
                areaShapes.Add((area, geometry));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(Describe(problems));
        }

        var cityId = cities[0].Id;
        var areaEntries = BuildAreaEntries(cityId, areaById, gridById.Values);

        var gridEntries = new Dictionary<string, GridEntry>(gridById.Count, StringComparer.Ordinal);
        foreach (var grid in gridById.Values)
        {
            gridEntries[grid.Id] = new GridEntry(grid, areaEntries[grid.CommunityId].Path with { GridId = grid.Id });
        }

        var gridIndex = new STRtree<Shape>();
        foreach (var (grid, geometry) in gridShapes)
        {
            gridIndex.Insert(geometry.EnvelopeInternal, new Shape(grid.Id, PreparedGeometryFactory.Prepare(geometry), gridEntries[grid.Id].Path));
        }

        gridIndex.Build();

        var areaIndexes = new Dictionary<OrgLevel, STRtree<Shape>>();
        foreach (var level in FallbackLevels)
        {
            var index = new STRtree<Shape>();
            foreach (var (area, geometry) in areaShapes.Where(s => s.Area.Level == level))
            {
                index.Insert(geometry.EnvelopeInternal, new Shape(area.Id, PreparedGeometryFactory.Prepare(geometry), areaEntries[area.Id].Path));
            }

            index.Build();
            areaIndexes[level] = index;
        }

        return new TerritoryMap(cityId, areaEntries, gridEntries, gridIndex, areaIndexes);
    }

    /// <summary>
    /// Where a point lies: the grid whose boundary covers it (boundary included; on a boundary
    /// shared by several grids, the one with the lowest id, so the answer never depends on index
    /// order). Outside every grid: the lowest area — community, street, then district — that covers
    /// it. Outside everything, or for a point that is not a number: the city alone, whose command
    /// centre takes it; a report is never dropped.
    /// </summary>
    public TerritoryPath Locate(double longitude, double latitude)
    {
        if (!double.IsFinite(longitude) || !double.IsFinite(latitude))
        {
            return _cityPath;
        }

        var point = Factory.CreatePoint(new Coordinate(longitude, latitude));
        if (Find(_gridIndex, point) is { } grid)
        {
            return grid.Path;
        }

        foreach (var level in FallbackLevels)
        {
            if (Find(_areaIndexes[level], point) is { } area)
            {
                return area.Path;
            }
        }

        return _cityPath;
    }

    /// <summary>The full path of a grid, or null when no grid has this id.</summary>
    public TerritoryPath? PathOfGrid(string gridId) => _grids.GetValueOrDefault(gridId)?.Path;

    /// <summary>The path down to an area (null below it), or null when no area has this id.</summary>
    public TerritoryPath? PathOfArea(string areaId) => _areas.GetValueOrDefault(areaId)?.Path;

    public AreaInfo? GetArea(string id) => _areas.GetValueOrDefault(id)?.Info;

    public GridInfo? GetGrid(string id) => _grids.GetValueOrDefault(id)?.Info;

    /// <summary>The areas directly below an area, or the grids of a community; sorted by id (ordinal).
    /// Empty for a grid or an unknown id.</summary>
    public IReadOnlyList<string> ChildrenOf(string areaId) => _areas.GetValueOrDefault(areaId)?.Children ?? NoChildren;

    private static void CheckParent(AreaInfo area, Dictionary<string, AreaInfo> areaById, List<string> problems)
    {
        switch (area.Level)
        {
            case OrgLevel.City:
                if (area.ParentId is not null)
                {
                    problems.Add($"City '{area.Id}' names parent '{area.ParentId}'; a city has none");
                }

                return;
            case OrgLevel.District or OrgLevel.Street or OrgLevel.Community:
                break;
            default:
                problems.Add($"area '{area.Id}' has level {area.Level}; areas are the city, districts, streets and communities");
                return;
        }

        var expected = area.Level + 1;
        if (area.ParentId is null)
        {
            problems.Add($"{area.Level} '{area.Id}' has no parent; expected a {expected}");
        }
        else if (!areaById.TryGetValue(area.ParentId, out var parent))
        {
            problems.Add($"{area.Level} '{area.Id}' names parent '{area.ParentId}', which does not exist");
        }
        else if (parent.Level != expected)
        {
            problems.Add($"{area.Level} '{area.Id}' sits under {parent.Level} '{parent.Id}'; expected a {expected}");
        }
    }

    private static Geometry? Parse(WKTReader reader, string? wkt, string what, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(wkt))
        {
            problems.Add($"{what} has no boundary");
            return null;
        }

        Geometry geometry;
        try
        {
            geometry = reader.Read(wkt);
        }
        catch (Exception ex) when (ex is ParseException or ArgumentException or FormatException or InvalidOperationException)
        {
            problems.Add($"{what} has a boundary that is not WKT ({ex.Message})");
            return null;
        }

        if (geometry is not (Polygon or MultiPolygon))
        {
            problems.Add($"{what} has a {geometry.GeometryType} boundary; expected a Polygon or MultiPolygon");
            return null;
        }

        if (geometry.IsEmpty)
        {
            problems.Add($"{what} has an empty boundary");
            return null;
        }

        var validation = new IsValidOp(geometry).ValidationError;
        if (validation is not null)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{what} has an invalid boundary: {validation.Message} at ({validation.Coordinate?.X} {validation.Coordinate?.Y})"));
            return null;
        }

        return geometry;
    }

    private static Dictionary<string, AreaEntry> BuildAreaEntries(string cityId, Dictionary<string, AreaInfo> areaById, IEnumerable<GridInfo> grids)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var area in areaById.Values.Where(a => a.ParentId is not null))
        {
            ChildList(area.ParentId!).Add(area.Id);
        }

        foreach (var grid in grids)
        {
            ChildList(grid.CommunityId).Add(grid.Id);
        }

        var entries = new Dictionary<string, AreaEntry>(areaById.Count, StringComparer.Ordinal);
        foreach (var area in areaById.Values)
        {
            var path = new TerritoryPath(cityId,
                AncestorAt(area, OrgLevel.District),
                AncestorAt(area, OrgLevel.Street),
                AncestorAt(area, OrgLevel.Community),
                null);
            var below = children.TryGetValue(area.Id, out var list)
                ? new ReadOnlyCollection<string>([.. list.Order(StringComparer.Ordinal)])
                : NoChildren;
            entries[area.Id] = new AreaEntry(area, path, below);
        }

        return entries;

        // Validation has made every parent chain a straight walk up to the city.
        string? AncestorAt(AreaInfo area, OrgLevel level)
        {
            var current = area;
            while (current.Level < level)
            {
                current = areaById[current.ParentId!];
            }

            return current.Level == level ? current.Id : null;
        }

        List<string> ChildList(string id)
        {
            if (!children.TryGetValue(id, out var list))
            {
                children[id] = list = [];
            }

            return list;
        }
    }

    private static Shape? Find(STRtree<Shape> index, Point point)
    {
        var visitor = new CoveringShape(point);
        index.Query(point.EnvelopeInternal, visitor);
        return visitor.Found;
    }

    private static string Describe(List<string> problems)
    {
        var shown = problems.Take(MaxProblemsInMessage);
        var more = problems.Count > MaxProblemsInMessage ? $"; and {problems.Count - MaxProblemsInMessage} more" : "";
        var noun = problems.Count == 1 ? "problem" : "problems";
        return $"The territory is not valid ({problems.Count} {noun}): {string.Join("; ", shown)}{more}.";
    }

    private sealed record AreaEntry(AreaInfo Info, TerritoryPath Path, ReadOnlyCollection<string> Children);

    private sealed record GridEntry(GridInfo Info, TerritoryPath Path);

    private sealed record Shape(string Id, IPreparedGeometry Geometry, TerritoryPath Path);

    /// <summary>Keeps the lowest-id candidate that covers the point. The id comparison runs first
    /// because it is far cheaper than the geometric test it can skip.</summary>
    private sealed class CoveringShape(Point point) : IItemVisitor<Shape>
    {
        public Shape? Found { get; private set; }

        public void VisitItem(Shape item)
        {
            if ((Found is null || string.CompareOrdinal(item.Id, Found.Id) < 0) && item.Geometry.Covers(point))
            {
                Found = item;
            }
        }
    }
}
