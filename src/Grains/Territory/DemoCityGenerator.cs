using System.Globalization;
using Dispatch.Workforce;

namespace Dispatch.Territory;

/// <summary>Sizes of a generated demo city. Bound from <c>Dispatch:DemoCity</c>.</summary>
public sealed class DemoCityOptions
{
    public const string Section = "Dispatch:DemoCity";

    /// <summary>Whether a silo loads the demo city when its territory is empty. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Same seed, same city. Default: 20261123.</summary>
    public int Seed { get; set; } = 20261123;

    /// <summary>Default: <c>demo</c>; must match <c>Dispatch:CityId</c>.</summary>
    public string CityId { get; set; } = "demo";

    /// <summary>Default: 1.</summary>
    public int Districts { get; set; } = 1;

    /// <summary>Default: 5.</summary>
    public int StreetsPerDistrict { get; set; } = 5;

    /// <summary>Default: 10 (50 communities).</summary>
    public int CommunitiesPerStreet { get; set; } = 10;

    /// <summary>Default: 10 (500 grids).</summary>
    public int GridsPerCommunity { get; set; } = 10;

    /// <summary>Default: 20 (10,000 buildings).</summary>
    public int BuildingsPerGrid { get; set; } = 20;

    /// <summary>Default: 3 (1,500 workers).</summary>
    public int WorkersPerGrid { get; set; } = 3;

    public long TotalGrids => (long)Districts * StreetsPerDistrict * CommunitiesPerStreet * GridsPerCommunity;

    public long TotalBuildings => TotalGrids * BuildingsPerGrid;

    public long TotalWorkers => TotalGrids * WorkersPerGrid;
}

/// <summary>
/// A deterministic city for demos, tests and benchmarks, laid out around Xi'an. Every sequence
/// streams and can be enumerated again with the same result; nothing is held but the current
/// grid, so a province-sized city costs time, not memory. Districts sit side by side; streets cut
/// each district; communities fill each street but for a margin strip (roads, parks) that belongs
/// to the street alone; grids cut each community exactly, without gaps or overlaps.
/// </summary>
public sealed class DemoCityGenerator(DemoCityOptions options)
{
    private const double OriginLongitude = 108.80;
    private const double OriginLatitude = 34.15;
    private const double DistrictWidth = 0.2;
    private const double DistrictHeight = 0.2;
    private const double StreetMargin = 0.1;

    private static readonly string[] DistrictNames = ["Yanta", "Beilin", "Lianhu", "Xincheng", "Weiyang", "Baqiao", "Chang'an", "Lintong", "Gaoling", "Huyi"];
    private static readonly string[] StreetNames = ["Heping", "Jiefang", "Dongda", "Xiying", "Changle", "Taiyi", "Zhuque", "Hanguang", "Cuihua", "Xingqing", "Daming", "Qujiang"];
    private static readonly string[] CommunityNames = ["Jinhua", "Anding", "Yongning", "Chunxi", "Qinghe", "Shuguang", "Fengqing", "Wenyi", "Huayuan", "Xinfeng", "Yuxiang", "Lequn"];
    private static readonly string[] RoadNames = ["Furong", "Baishu", "Yanling", "Hongqing", "Zhongshan", "Shengli", "Jianshe", "Youyi", "Minzhu", "Guangming"];
    private static readonly string[] Surnames = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Hu", "Guo"];
    private static readonly string[] GivenNames = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Jun", "Yan", "Hui", "Ping", "Gang", "Xia", "Tao", "Ming"];

    private static readonly (WorkerRole Role, string[] Skills)[] ExtraRoles =
    [
        (WorkerRole.CommunityPolice, ["security", "mediation", "emergency"]),
        (WorkerRole.PropertyStaff, ["property", "sanitation", "facilities"]),
        (WorkerRole.BuildingLeader, ["mediation", "registration"]),
        (WorkerRole.Volunteer, ["social-work"]),
        (WorkerRole.CommunityWorker, ["social-work", "registration", "mediation"]),
        (WorkerRole.GridLeader, ["mediation", "safety", "emergency", "social-work"]),
        (WorkerRole.StreetStaff, ["enforcement", "safety"]),
    ];

    private static readonly string[] GridWorkerSkills = ["sanitation", "property", "mediation", "social-work", "registration", "safety"];

    public DemoCityOptions Options => options;

    /// <summary>Everything the loader needs, streamed.</summary>
    public TerritoryImport ToImport() => new(Areas(), Grids(), Buildings(), Workers());

    public IEnumerable<AreaInfo> Areas()
    {
        yield return new AreaInfo(options.CityId, OrgLevel.City, "Demo City", null, null);
        foreach (var district in DistrictsOf())
        {
            yield return district.Area;
            foreach (var street in StreetsOf(district))
            {
                yield return street.Area;
                foreach (var community in CommunitiesOf(street))
                {
                    yield return community.Area;
                }
            }
        }
    }

    public IEnumerable<GridInfo> Grids()
    {
        foreach (var cell in GridCells())
        {
            yield return cell.Grid;
        }
    }

    public IEnumerable<BuildingInfo> Buildings()
    {
        var width = Width(options.BuildingsPerGrid);
        foreach (var cell in GridCells())
        {
            var random = RandomFor(cell.Index, salt: 1);
            var r = cell.Rect;
            for (var b = 1; b <= options.BuildingsPerGrid; b++)
            {
                // Strictly inside the grid, never on its boundary.
                var lon = r.X0 + ((0.05 + (0.9 * random.NextDouble())) * (r.X1 - r.X0));
                var lat = r.Y0 + ((0.05 + (0.9 * random.NextDouble())) * (r.Y1 - r.Y0));
                var road = $"{RoadNames[cell.Index % RoadNames.Length]} Lane {(cell.Index / RoadNames.Length) + 1}";
                yield return new BuildingInfo(
                    $"{cell.Grid.Id}-B{b.ToString(width, CultureInfo.InvariantCulture)}",
                    $"Building {b}",
                    $"{b} {road}, {cell.CommunityName}",
                    Math.Round(lon, 7),
                    Math.Round(lat, 7),
                    random.Next(20, 201),
                    cell.Grid.Id,
                    PersonName(random));
            }
        }
    }

    public IEnumerable<WorkerProfile> Workers()
    {
        var width = Math.Max(6, options.TotalWorkers.ToString(CultureInfo.InvariantCulture).Length);
        long next = 0;
        foreach (var cell in GridCells())
        {
            var random = RandomFor(cell.Index, salt: 2);
            for (var w = 0; w < options.WorkersPerGrid; w++)
            {
                var (role, skills) = w == 0 ? (WorkerRole.GridWorker, GridWorkerSkills) : ExtraRoles[(w - 1) % ExtraRoles.Length];
                var onDuty = random.NextDouble() < (w == 0 ? 0.9 : 0.75);
                var id = $"W{(++next).ToString(new string('0', width), CultureInfo.InvariantCulture)}";
                yield return new WorkerProfile(id, PersonName(random), role, skills, cell.Grid.Id,
                    $"138{random.Next(0, 100_000_000):D8}", onDuty);
            }
        }
    }

    private readonly record struct Rect(double X0, double Y0, double X1, double Y1)
    {
        public string Wkt => string.Create(CultureInfo.InvariantCulture,
            $"POLYGON (({X0:R} {Y0:R}, {X1:R} {Y0:R}, {X1:R} {Y1:R}, {X0:R} {Y1:R}, {X0:R} {Y0:R}))");
    }

    private sealed record Placed(AreaInfo Area, Rect Rect, int Index);

    private sealed record GridCell(GridInfo Grid, Rect Rect, int Index, string CommunityName);

    private IEnumerable<Placed> DistrictsOf()
    {
        var width = Width(options.Districts, 2);
        for (var d = 0; d < options.Districts; d++)
        {
            var x0 = OriginLongitude + (d * DistrictWidth);
            var rect = new Rect(x0, OriginLatitude, x0 + DistrictWidth, OriginLatitude + DistrictHeight);
            var name = $"{DistrictNames[d % DistrictNames.Length]}{Suffix(d, DistrictNames.Length)} District";
            yield return new Placed(new AreaInfo($"D{(d + 1).ToString(width, CultureInfo.InvariantCulture)}", OrgLevel.District, name, options.CityId, rect.Wkt), rect, d);
        }
    }

    private IEnumerable<Placed> StreetsOf(Placed district)
    {
        var width = Width(options.StreetsPerDistrict, 2);
        var s = 0;
        foreach (var rect in Cut(district.Rect, options.StreetsPerDistrict))
        {
            var index = (district.Index * options.StreetsPerDistrict) + s;
            var name = $"{StreetNames[index % StreetNames.Length]}{Suffix(index, StreetNames.Length)} Street";
            yield return new Placed(new AreaInfo($"{district.Area.Id}-S{(++s).ToString(width, CultureInfo.InvariantCulture)}", OrgLevel.Street, name, district.Area.Id, rect.Wkt), rect, index);
        }
    }

    private IEnumerable<Placed> CommunitiesOf(Placed street)
    {
        var width = Width(options.CommunitiesPerStreet, 2);
        var r = street.Rect;
        var built = r with { X1 = r.X1 - ((r.X1 - r.X0) * StreetMargin) };
        var c = 0;
        foreach (var rect in Cut(built, options.CommunitiesPerStreet))
        {
            var index = (street.Index * options.CommunitiesPerStreet) + c;
            var name = $"{CommunityNames[index % CommunityNames.Length]}{Suffix(index, CommunityNames.Length)} Community";
            yield return new Placed(new AreaInfo($"{street.Area.Id}-C{(++c).ToString(width, CultureInfo.InvariantCulture)}", OrgLevel.Community, name, street.Area.Id, rect.Wkt), rect, index);
        }
    }

    private IEnumerable<GridCell> GridCells()
    {
        var width = Width(options.GridsPerCommunity, 2);
        foreach (var district in DistrictsOf())
        {
            foreach (var street in StreetsOf(district))
            {
                foreach (var community in CommunitiesOf(street))
                {
                    var g = 0;
                    foreach (var rect in Cut(community.Rect, options.GridsPerCommunity))
                    {
                        var index = (community.Index * options.GridsPerCommunity) + g;
                        var id = $"{community.Area.Id}-G{(++g).ToString(width, CultureInfo.InvariantCulture)}";
                        var households = RandomFor(index, salt: 3).Next(200, 501);
                        yield return new GridCell(new GridInfo(id, $"{community.Area.Name} Grid {g}", community.Area.Id, rect.Wkt, households),
                            rect, index, community.Area.Name);
                    }
                }
            }
        }
    }

    /// <summary>Cuts a rectangle into <paramref name="count"/> rectangles that cover it exactly:
    /// near-square rows and columns, the last row's cells widened to fill it.</summary>
    private static IEnumerable<Rect> Cut(Rect rect, int count)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (int)Math.Ceiling(count / (double)columns);
        var height = (rect.Y1 - rect.Y0) / rows;
        for (var row = 0; row < rows; row++)
        {
            var inRow = row < rows - 1 ? columns : count - (columns * (rows - 1));
            var cellWidth = (rect.X1 - rect.X0) / inRow;
            var y0 = rect.Y0 + (row * height);
            var y1 = row == rows - 1 ? rect.Y1 : rect.Y0 + ((row + 1) * height);
            for (var column = 0; column < inRow; column++)
            {
                var x0 = rect.X0 + (column * cellWidth);
                var x1 = column == inRow - 1 ? rect.X1 : rect.X0 + ((column + 1) * cellWidth);
                yield return new Rect(x0, y0, x1, y1);
            }
        }
    }

    private Random RandomFor(int index, int salt) => new(unchecked((options.Seed * 31) + (index * 1_000_003) + (salt * 7919)));

    private static string PersonName(Random random) => $"{Surnames[random.Next(Surnames.Length)]} {GivenNames[random.Next(GivenNames.Length)]}";

    private static string Suffix(int index, int names) => index < names ? "" : $" {(index / names) + 1}";

    private static string Width(long count, int minimum = 3) =>
        new('0', Math.Max(minimum, count.ToString(CultureInfo.InvariantCulture).Length));
}
