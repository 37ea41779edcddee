using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Union;

namespace Dispatch.Territory.Import;

/// <summary>A checked territory, ready to become the next version of the map.</summary>
/// <param name="Repairs">Boundaries that were repaired, and how.</param>
/// <param name="Generated">Areas made up to hold levels the files did not have (a flat layer's parent chain).</param>
public sealed record TerritoryDraft(
    IReadOnlyList<AreaInfo> Areas,
    IReadOnlyList<GridInfo> Grids,
    IReadOnlyList<ImportProblem> Repairs,
    IReadOnlyList<string> Generated);

/// <summary>
/// Places boundary features in the territory tree and checks the whole: codes unique, every parent
/// known and of the level above, each child inside its parent, no two areas of a level overlapping
/// and no gaps between the grids of a community. A feature's parent is named by the parent property
/// when there is one; else by its code (grid <c>TS-3-3</c> under community <c>TS-3</c> under street
/// <c>TS</c>); else it is the area of the level above that contains the feature. A level that no
/// file has is generated, one area per parent, so a single flat layer loads as grids under one
/// generated community, street and district.
/// </summary>
public sealed class TerritoryAssembler
{
    /// <summary>Gap checks over the union of a generated community's grids stop at this many grids (the union costs too much beyond).</summary>
    public const int MaxGridsForUnionGapCheck = 20_000;

    private static readonly OrgLevel[] AreaLevels = [OrgLevel.District, OrgLevel.Street, OrgLevel.Community];
    private static readonly char[] CodeSeparators = ['-', '.', '_', ' '];

    private readonly string _cityId;
    private readonly double _toleranceSquareMetres;
    private readonly List<ImportProblem> _problems;
    private readonly List<ImportProblem> _repairs = [];
    private readonly Dictionary<string, Placed> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<OrgLevel, List<Placed>> _byLevel = [];
    private readonly Dictionary<OrgLevel, STRtree<Placed>> _index = [];
    private readonly Dictionary<string, AreaInfo> _generated = new(StringComparer.Ordinal);

    private sealed class Placed(LayerFeature feature, Geometry geometry)
    {
        public LayerFeature Feature { get; } = feature;
        public Geometry Geometry { get; } = geometry;
        public IPreparedGeometry Prepared { get; } = PreparedGeometryFactory.Prepare(geometry);
        public string? ParentId { get; set; }
        public string Code => Feature.Code;
    }

    private TerritoryAssembler(string cityId, double toleranceSquareMetres, List<ImportProblem> problems)
    {
        _cityId = cityId;
        _toleranceSquareMetres = toleranceSquareMetres;
        _problems = problems;
    }

    /// <summary>
    /// The draft, or null when there were problems (added to <paramref name="problems"/>). Overlaps and
    /// gaps smaller than <paramref name="toleranceSquareMetres"/> are let through (digitising slivers).
    /// </summary>
    public static TerritoryDraft? Assemble(string cityId, string cityName, IEnumerable<LayerFeature> features, List<ImportProblem> problems,
        double toleranceSquareMetres = 1.0, Action<string>? progress = null)
    {
        var assembler = new TerritoryAssembler(cityId, toleranceSquareMetres, problems);
        var before = problems.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what)
        {
            progress?.Invoke($"{what} in {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
        }

        assembler.Add(features);
        Step("boundaries checked and indexed");
        if (assembler._byCode.Count == 0 && problems.Count == before)
        {
            problems.Add(new ImportProblem("import", "no boundaries: give at least one GeoJSON file with features"));
        }

        if (problems.Count > before)
        {
            return null;
        }

        assembler.PlaceAll();
        Step("parents found");
        assembler.CheckContainment();
        Step("containment checked");
        foreach (var level in new[] { OrgLevel.District, OrgLevel.Street, OrgLevel.Community, OrgLevel.Grid })
        {
            assembler.CheckOverlaps(level);
        }

        Step("overlaps checked");
        assembler.CheckGaps();
        Step("gaps checked");
        return problems.Count > before ? null : assembler.Draft(cityName);
    }

    private void Add(IEnumerable<LayerFeature> features)
    {
        foreach (var feature in features)
        {
            if (feature.Code == _cityId)
            {
                _problems.Add(new ImportProblem(feature.Where, $"code '{feature.Code}' is the city's own id"));
                continue;
            }

            if (_byCode.TryGetValue(feature.Code, out var first))
            {
                _problems.Add(new ImportProblem(feature.Where, $"duplicate code: '{feature.Code}' is also {first.Feature.Where}"));
                continue;
            }

            if (Boundaries.Checked(feature.Geometry, feature.Where, _problems, _repairs) is not { } geometry)
            {
                continue;
            }

            var placed = new Placed(feature, geometry);
            _byCode[feature.Code] = placed;
            Level(feature.Level).Add(placed);
        }

        foreach (var (level, list) in _byLevel)
        {
            var index = new STRtree<Placed>();
            foreach (var placed in list)
            {
                index.Insert(placed.Geometry.EnvelopeInternal, placed);
            }

            index.Build();
            _index[level] = index;
        }
    }

    private void PlaceAll()
    {
        foreach (var level in AreaLevels.Append(OrgLevel.Grid))
        {
            foreach (var placed in Level(level))
            {
                placed.ParentId = ParentOf(placed);
            }
        }
    }

    /// <summary>The parent's id for a feature (a generated one when the level above has no features), or null after a problem.</summary>
    private string? ParentOf(Placed child)
    {
        var above = child.Feature.Level + 1;
        if (above == OrgLevel.City)
        {
            return _cityId;
        }

        if (child.Feature.Parent is { } named)
        {
            if (!_byCode.TryGetValue(named, out var parent))
            {
                _problems.Add(new ImportProblem(child.Feature.Where, $"unknown parent: no feature has the code '{named}'"));
                return null;
            }

            if (parent.Feature.Level != above)
            {
                _problems.Add(new ImportProblem(child.Feature.Where, $"parent '{named}' is a {Name(parent.Feature.Level)}; a {Name(child.Feature.Level)} sits in a {Name(above)}"));
                return null;
            }

            return parent.Code;
        }

        if (Level(above).Count == 0)
        {
            return GeneratedAbove(child, above);
        }

        if (Holder(child, above) is { } holder)
        {
            return holder.Code;
        }

        _problems.Add(new ImportProblem(child.Feature.Where,
            $"unknown parent: its code names no {Name(above)} and no {Name(above)} contains it{Boundaries.Around(child.Geometry)}"));
        return null;
    }

    /// <summary>The feature of <paramref name="level"/> that holds <paramref name="child"/>: named by its code, else containing it.</summary>
    private Placed? Holder(Placed child, OrgLevel level)
    {
        var code = child.Code;
        for (var cut = code.LastIndexOfAny(CodeSeparators); cut > 0; cut = code.LastIndexOfAny(CodeSeparators, cut - 1))
        {
            if (_byCode.TryGetValue(code[..cut], out var prefix) && prefix.Feature.Level == level)
            {
                return prefix;
            }
        }

        var point = child.Geometry.InteriorPoint;
        Placed? found = null;
        foreach (var candidate in _index[level].Query(point.EnvelopeInternal))
        {
            if ((found is null || string.CompareOrdinal(candidate.Code, found.Code) < 0) && candidate.Prepared.Covers(point))
            {
                found = candidate;
            }
        }

        return found;
    }

    /// <summary>
    /// The generated area of <paramref name="level"/> that holds a child whose files skip that level:
    /// one per parent, its id the parent's id and the level ("TS.community"; under the city "demo.district").
    /// </summary>
    private string? GeneratedAbove(Placed child, OrgLevel level)
    {
        var above = level + 1;
        string? parentId;
        if (above == OrgLevel.City)
        {
            parentId = _cityId;
        }
        else if (Level(above).Count == 0)
        {
            parentId = GeneratedAbove(child, above);
        }
        else if (Holder(child, above) is { } holder)
        {
            parentId = holder.Code;
        }
        else
        {
            _problems.Add(new ImportProblem(child.Feature.Where,
                $"unknown parent: its code names no {Name(above)} and no {Name(above)} contains it{Boundaries.Around(child.Geometry)}"));
            return null;
        }

        if (parentId is null)
        {
            return null;
        }

        var id = $"{parentId}.{Name(level)}";
        if (!_generated.ContainsKey(id))
        {
            var parentName = parentId == _cityId ? "the city" : _byCode.TryGetValue(parentId, out var p) ? p.Feature.Name : _generated[parentId].Name;
            _generated[id] = new AreaInfo(id, level, $"{parentName} (whole {Name(level)}, generated)", parentId, null);
        }

        return id;
    }

    /// <summary>Every child inside its parent (when the parent is a boundary of the files, not a generated area).</summary>
    private void CheckContainment()
    {
        foreach (var level in AreaLevels.Skip(1).Append(OrgLevel.Grid))
        {
            foreach (var child in Level(level))
            {
                if (child.ParentId is null || !_byCode.TryGetValue(child.ParentId, out var parent) || parent.Prepared.Covers(child.Geometry))
                {
                    continue;
                }

                var outside = child.Geometry.Difference(parent.Geometry);
                var squareMetres = Boundaries.SquareMetres(outside);
                if (squareMetres > _toleranceSquareMetres)
                {
                    _problems.Add(new ImportProblem(child.Feature.Where,
                        $"lies outside its {Name(parent.Feature.Level)} '{parent.Code}': {squareMetres:N0} m² of it{Boundaries.Around(outside)}"));
                }
            }
        }
    }

    /// <summary>
    /// No two boundaries of a level overlap. Only pairs whose envelopes overlap with some area are
    /// intersected, so neighbours that merely share an edge along a straight line cost little.
    /// </summary>
    private void CheckOverlaps(OrgLevel level)
    {
        var list = Level(level);
        if (list.Count < 2)
        {
            return;
        }

        var index = _index[level];
        foreach (var a in list)
        {
            var envelope = a.Geometry.EnvelopeInternal;
            foreach (var b in index.Query(envelope))
            {
                if (string.CompareOrdinal(a.Code, b.Code) >= 0)
                {
                    continue;
                }

                var common = envelope.Intersection(b.Geometry.EnvelopeInternal);
                if (common.IsNull || common.Width <= 0 || common.Height <= 0 || !a.Prepared.Intersects(b.Geometry))
                {
                    continue;
                }

                var overlap = a.Geometry.Intersection(b.Geometry);
                var squareMetres = Boundaries.SquareMetres(overlap);
                if (squareMetres > _toleranceSquareMetres)
                {
                    _problems.Add(new ImportProblem(a.Feature.Where,
                        $"overlaps {Name(level)} '{b.Code}' by {squareMetres:N0} m²{Boundaries.Around(overlap)}"));
                }
            }
        }
    }

    /// <summary>
    /// The grids of a community cover it without gaps: what of the community no grid covers. Under a
    /// generated community (a flat layer) there is no outline to compare with, so the holes in the
    /// union of its grids are the gaps.
    /// </summary>
    private void CheckGaps()
    {
        foreach (var family in Level(OrgLevel.Grid).Where(g => g.ParentId is not null).GroupBy(g => g.ParentId!))
        {
            var grids = family.Select(g => g.Geometry).ToList();
            if (_byCode.TryGetValue(family.Key, out var community))
            {
                // The grids lie inside their community and do not overlap (both checked before), so
                // what they leave uncovered is the difference of the areas: the union, which costs
                // far more, is needed only to say where a gap is.
                var latitude = community.Geometry.EnvelopeInternal.Centre.Y;
                var left = Boundaries.SquareMetres(community.Geometry.Area - grids.Sum(g => g.Area), latitude);
                if (left <= _toleranceSquareMetres)
                {
                    continue;
                }

                var uncovered = community.Geometry.Difference(UnaryUnionOp.Union(grids));
                foreach (var gap in Parts(uncovered))
                {
                    var squareMetres = Boundaries.SquareMetres(gap);
                    if (squareMetres > _toleranceSquareMetres)
                    {
                        _problems.Add(new ImportProblem(community.Feature.Where, $"gap: {squareMetres:N0} m² is in none of its grids{Boundaries.Around(gap)}"));
                    }
                }
            }
            else if (grids.Count <= MaxGridsForUnionGapCheck)
            {
                foreach (var polygon in Parts(UnaryUnionOp.Union(grids)).OfType<Polygon>())
                {
                    foreach (var hole in polygon.Holes)
                    {
                        var gap = polygon.Factory.CreatePolygon(hole);
                        var squareMetres = Boundaries.SquareMetres(gap);
                        if (squareMetres > _toleranceSquareMetres)
                        {
                            _problems.Add(new ImportProblem($"grids of {family.Key}", $"gap: {squareMetres:N0} m² enclosed by grids is in none of them{Boundaries.Around(gap)}"));
                        }
                    }
                }
            }
        }
    }

    private TerritoryDraft Draft(string cityName)
    {
        var writer = new WKTWriter();
        var areas = new List<AreaInfo> { new(_cityId, OrgLevel.City, cityName, null, null) };
        areas.AddRange(_generated.Values.OrderBy(a => a.Id, StringComparer.Ordinal));
        foreach (var level in AreaLevels)
        {
            areas.AddRange(Level(level).Select(p => new AreaInfo(p.Code, level, p.Feature.Name, p.ParentId, writer.Write(p.Geometry))));
        }

        var grids = Level(OrgLevel.Grid)
            .Select(p => new GridInfo(p.Code, p.Feature.Name, p.ParentId!, writer.Write(p.Geometry), p.Feature.Households))
            .ToList();
        return new TerritoryDraft(areas, grids, _repairs, _generated.Keys.Order(StringComparer.Ordinal).ToList());
    }

    private List<Placed> Level(OrgLevel level)
    {
        if (!_byLevel.TryGetValue(level, out var list))
        {
            _byLevel[level] = list = [];
        }

        return list;
    }

    private static IEnumerable<Geometry> Parts(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (!geometry.GetGeometryN(i).IsEmpty)
            {
                yield return geometry.GetGeometryN(i);
            }
        }
    }

    private static string Name(OrgLevel level) => level.ToString().ToLowerInvariant();
}
