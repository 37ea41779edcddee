namespace Dispatch.Territory;

/// <summary>Counts of what the territory holds, for the operator's overview.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.TerritorySummary")]
public sealed record TerritorySummary(
    [property: Id(0)] string CityId,
    [property: Id(1)] int Districts,
    [property: Id(2)] int Streets,
    [property: Id(3)] int Communities,
    [property: Id(4)] int Grids,
    [property: Id(5)] int Version);

/// <summary>
/// The map of one city, keyed by city id: the area tree and the grid boundaries, with a spatial
/// index that places a point in its grid — or, outside every grid, in the lowest area that holds it.
/// </summary>
[Alias("Dispatch.ITerritoryGrain")]
public interface ITerritoryGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces areas (city, districts, streets, communities). Takes effect at <see cref="Commit"/>.</summary>
    [Alias("ImportAreas")] Task ImportAreas(IReadOnlyList<AreaInfo> areas);

    /// <summary>Adds or replaces grids. Takes effect at <see cref="Commit"/>.</summary>
    [Alias("ImportGrids")] Task ImportGrids(IReadOnlyList<GridInfo> grids);

    /// <summary>Persists the imported map and rebuilds the spatial index.</summary>
    [Alias("Commit")] Task<TerritorySummary> Commit();

    /// <summary>Starts a new version of the map: forgets whatever was staged and not committed.</summary>
    [Alias("BeginVersion")] Task BeginVersion();

    /// <summary>
    /// Makes the staged areas and grids the whole map — the next version — in one step, after
    /// checking it whole (a bad version changes nothing). Until then every reader uses the previous
    /// version. Answers the summary and the grids of the previous version that this one does not have.
    /// </summary>
    [Alias("CommitVersion")] Task<TerritoryVersionCommitted> CommitVersion();

    /// <summary>Where a point lies. Never null: a point outside every area goes to the city desk.</summary>
    [Alias("Locate")] Task<TerritoryPath> Locate(double longitude, double latitude);

    /// <summary>The path of a grid, or null when no grid has this id.</summary>
    [Alias("PathOfGrid")] Task<TerritoryPath?> PathOfGrid(string gridId);

    [Alias("GetArea")] Task<AreaInfo?> GetArea(string areaId);

    [Alias("GetGrid")] Task<GridInfo?> GetGrid(string gridId);

    /// <summary>The areas (or, under a community, the grids) directly below an area.</summary>
    [Alias("GetChildren")] Task<IReadOnlyList<string>> GetChildren(string areaId);

    [Alias("GetSummary")] Task<TerritorySummary> GetSummary();
}
