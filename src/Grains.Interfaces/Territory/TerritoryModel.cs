namespace Dispatch.Territory;

/// <summary>
/// A new version of the map is current: its summary, and the grids (with the place each had) and
/// areas (their desks) it no longer has.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TerritoryVersionCommitted")]
public sealed record TerritoryVersionCommitted(
    [property: Id(0)] TerritorySummary Summary,
    [property: Id(1)] IReadOnlyList<Desks.GridSetup> RemovedGrids,
    [property: Id(2)] IReadOnlyList<DeskRef> RemovedAreas);

/// <summary>The ids of one version's areas and grids.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TerritoryIds")]
public sealed record TerritoryIds(
    [property: Id(0)] IReadOnlyList<string> Areas,
    [property: Id(1)] IReadOnlyList<string> Grids);

/// <summary>One version of the map whole: its areas and grids, read together so they agree with <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TerritoryWholeMap")]
public sealed record TerritoryWholeMap(
    [property: Id(0)] int Version,
    [property: Id(1)] IReadOnlyList<AreaInfo> Areas,
    [property: Id(2)] IReadOnlyList<GridInfo> Grids);

/// <summary>An area of the territory tree above the grid: city, district, street or community.</summary>
/// <param name="BoundaryWkt">Optional boundary polygon as WKT (x = longitude, y = latitude).
/// Used for reports whose point falls outside every grid.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.AreaInfo")]
public sealed record AreaInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] OrgLevel Level,
    [property: Id(2)] string Name,
    [property: Id(3)] string? ParentId,
    [property: Id(4)] string? BoundaryWkt);

/// <summary>A grid: the unit a grid leader and grid workers are responsible for.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.GridInfo")]
public sealed record GridInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string CommunityId,
    [property: Id(3)] string BoundaryWkt,
    [property: Id(4)] int Households);

/// <summary>A building or courtyard, located by a point and belonging to one grid.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.BuildingInfo")]
public sealed record BuildingInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Address,
    [property: Id(3)] double Longitude,
    [property: Id(4)] double Latitude,
    [property: Id(5)] int Households,
    [property: Id(6)] string GridId,
    [property: Id(7)] string? LeaderName);

/// <summary>
/// Where a place sits in the tree. Every id below the city is null when the place lies outside
/// that level's areas (a point in a street's land that belongs to no community, say).
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TerritoryPath")]
public sealed record TerritoryPath(
    [property: Id(0)] string CityId,
    [property: Id(1)] string? DistrictId,
    [property: Id(2)] string? StreetId,
    [property: Id(3)] string? CommunityId,
    [property: Id(4)] string? GridId)
{
    /// <summary>The lowest desk that owns this place: the grid, or the nearest area above it.</summary>
    public DeskRef LowestDesk =>
        GridId is not null ? DeskRef.Grid(GridId)
        : CommunityId is not null ? new DeskRef(OrgLevel.Community, CommunityId)
        : StreetId is not null ? new DeskRef(OrgLevel.Street, StreetId)
        : DistrictId is not null ? new DeskRef(OrgLevel.District, DistrictId)
        : new DeskRef(OrgLevel.City, CityId);

    /// <summary>The id of the area at <paramref name="level"/>, or null when the path does not reach it.</summary>
    public string? IdAt(OrgLevel level) => level switch
    {
        OrgLevel.Grid => GridId,
        OrgLevel.Community => CommunityId,
        OrgLevel.Street => StreetId,
        OrgLevel.District => DistrictId,
        OrgLevel.City => CityId,
        _ => null,
    };
}

/// <summary>How a report's location was resolved.</summary>
public enum PlacementMethod
{
    Building = 0,
    Coordinates = 1,
    Address = 2,
}

/// <summary>The result of locating a report: where it is, and by which means.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.Placement")]
public sealed record Placement(
    [property: Id(0)] TerritoryPath Path,
    [property: Id(1)] string? BuildingId,
    [property: Id(2)] PlacementMethod Method,
    [property: Id(3)] double? Longitude,
    [property: Id(4)] double? Latitude);
