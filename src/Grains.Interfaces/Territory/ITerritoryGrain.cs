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
    /// <summary>
    /// Reserves the map for one import, or renews that import's hold, for <c>TerritoryGrain.HoldTime</c>:
    /// meanwhile staging, committing and another import's hold are refused to anyone else
    /// (<see cref="Errors.ConcurrentChangeException"/>), so two imports never mix.
    /// </summary>
    [Alias("HoldImport")] Task HoldImport(string importId);

    /// <summary>Ends an import's hold (and forgets what it staged and did not commit).</summary>
    [Alias("ReleaseImport")] Task ReleaseImport(string importId);

    /// <summary>Adds or replaces areas (city, districts, streets, communities). Takes effect at <see cref="Commit"/>.</summary>
    /// <param name="importId">The import holding the map, if one does.</param>
    [Alias("ImportAreas")] Task ImportAreas(IReadOnlyList<AreaInfo> areas, string? importId = null);

    /// <summary>Adds or replaces grids. Takes effect at <see cref="Commit"/>.</summary>
    [Alias("ImportGrids")] Task ImportGrids(IReadOnlyList<GridInfo> grids, string? importId = null);

    /// <summary>Persists the imported map and rebuilds the spatial index.</summary>
    [Alias("Commit")] Task<TerritorySummary> Commit();

    /// <summary>Starts a new version of the map for the import holding it: forgets whatever was staged and not committed.</summary>
    [Alias("BeginVersion")] Task BeginVersion(string importId);

    /// <summary>
    /// Makes the staged areas and grids the whole map — the next version — in one step, after
    /// checking it whole (a bad version changes nothing). Until then every reader uses the previous
    /// version. Answers the summary and the grids and areas of the previous version that this one does not have.
    /// </summary>
    [Alias("CommitVersion")] Task<TerritoryVersionCommitted> CommitVersion(string importId);

    /// <summary>The ids of the current version's areas and grids.</summary>
    [Alias("GetIds")] Task<TerritoryIds> GetIds();

    /// <summary>Where a point lies. Never null: a point outside every area goes to the city desk.</summary>
    [Alias("Locate")] Task<TerritoryPath> Locate(double longitude, double latitude);

    /// <summary>The path of a grid, or null when no grid has this id.</summary>
    [Alias("PathOfGrid")] Task<TerritoryPath?> PathOfGrid(string gridId);

    [Alias("GetArea")] Task<AreaInfo?> GetArea(string areaId);

    /// <summary>The names of the areas of the current map among <paramref name="areaIds"/> (ids it does not have are left out).</summary>
    [Alias("GetAreaNames")] Task<IReadOnlyDictionary<string, string>> GetAreaNames(IReadOnlyList<string> areaIds);

    [Alias("GetGrid")] Task<GridInfo?> GetGrid(string gridId);

    /// <summary>A grid with its place in the current map, or null when the map has no grid with this id.</summary>
    [Alias("GetGridSetup")] Task<Desks.GridSetup?> GetGridSetup(string gridId);

    /// <summary>The areas (or, under a community, the grids) directly below an area.</summary>
    [Alias("GetChildren")] Task<IReadOnlyList<string>> GetChildren(string areaId);

    [Alias("GetSummary")] Task<TerritorySummary> GetSummary();

    /// <summary>The whole current version in one answer (the operator console draws every grid at once).</summary>
    [Alias("GetWholeMap")] Task<TerritoryWholeMap> GetWholeMap();
}
