using Dispatch.Errors;

namespace Dispatch.Territory;

[GenerateSerializer, Alias("Dispatch.TerritoryState")]
public sealed class TerritoryState
{
    [Id(0)] public Dictionary<string, AreaInfo> Areas { get; set; } = [];
    [Id(1)] public Dictionary<string, GridInfo> Grids { get; set; } = [];
    [Id(2)] public int Version { get; set; }
}

/// <summary>
/// The map of one city. Imports are staged and take effect together at <see cref="Commit"/>, which
/// validates the whole tree before anything is persisted, so a bad import changes nothing.
/// </summary>
[GrainType("territory")]
public sealed class TerritoryGrain(
    [PersistentState("territory")] IPersistentState<TerritoryState> state) : Grain, ITerritoryGrain
{
    private readonly Dictionary<string, AreaInfo> _stagedAreas = [];
    private readonly Dictionary<string, GridInfo> _stagedGrids = [];
    private TerritoryMap? _map;

    private string CityId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Areas.Count > 0)
        {
            _map = TerritoryMap.Build(state.State.Areas.Values, state.State.Grids.Values);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public Task ImportAreas(IReadOnlyList<AreaInfo> areas)
    {
        foreach (var area in areas)
        {
            _stagedAreas[area.Id] = area;
        }

        return Task.CompletedTask;
    }

    public Task ImportGrids(IReadOnlyList<GridInfo> grids)
    {
        foreach (var grid in grids)
        {
            _stagedGrids[grid.Id] = grid;
        }

        return Task.CompletedTask;
    }

    public Task<TerritorySummary> Commit()
    {
        // Staged entries are added to (or replace) the map's own.
        var areas = new Dictionary<string, AreaInfo>(state.State.Areas);
        var grids = new Dictionary<string, GridInfo>(state.State.Grids);
        foreach (var (id, area) in _stagedAreas)
        {
            areas[id] = area;
        }

        foreach (var (id, grid) in _stagedGrids)
        {
            grids[id] = grid;
        }

        return Install(areas, grids);
    }

    public Task BeginVersion()
    {
        _stagedAreas.Clear();
        _stagedGrids.Clear();
        return Task.CompletedTask;
    }

    public async Task<TerritoryVersionCommitted> CommitVersion()
    {
        var removed = state.State.Grids.Keys.Where(id => !_stagedGrids.ContainsKey(id)).Order(StringComparer.Ordinal).ToArray();
        var summary = await Install(new Dictionary<string, AreaInfo>(_stagedAreas), new Dictionary<string, GridInfo>(_stagedGrids));
        return new TerritoryVersionCommitted(summary, removed);
    }

    /// <summary>
    /// Checks the whole map, persists it as the next version and only then swaps the index readers
    /// use, so a call sees either the old map or the new one. The staged entries are gone either way.
    /// </summary>
    private async Task<TerritorySummary> Install(Dictionary<string, AreaInfo> areas, Dictionary<string, GridInfo> grids)
    {
        _stagedAreas.Clear();
        _stagedGrids.Clear();
        TerritoryMap map;
        try
        {
            map = TerritoryMap.Build(areas.Values, grids.Values);
        }
        catch (InvalidDataException ex)
        {
            throw new ValidationFailedException("territory", ex.Message);
        }

        if (map.CityId != CityId)
        {
            throw new ValidationFailedException("territory", $"The imported city is '{map.CityId}', but this is the map of '{CityId}'.");
        }

        var previous = (state.State.Areas, state.State.Grids, state.State.Version);
        state.State.Areas = areas;
        state.State.Grids = grids;
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Areas, state.State.Grids, state.State.Version) = previous;
            throw;
        }

        _map = map;
        return Summary();
    }

    public Task<TerritoryPath> Locate(double longitude, double latitude) =>
        Task.FromResult(_map?.Locate(longitude, latitude) ?? new TerritoryPath(CityId, null, null, null, null));

    public Task<TerritoryPath?> PathOfGrid(string gridId) => Task.FromResult(_map?.PathOfGrid(gridId));

    public Task<AreaInfo?> GetArea(string areaId) => Task.FromResult(state.State.Areas.GetValueOrDefault(areaId));

    public Task<GridInfo?> GetGrid(string gridId) => Task.FromResult(state.State.Grids.GetValueOrDefault(gridId));

    public Task<IReadOnlyList<string>> GetChildren(string areaId) =>
        Task.FromResult(_map?.ChildrenOf(areaId) ?? []);

    public Task<TerritorySummary> GetSummary() => Task.FromResult(Summary());

    private TerritorySummary Summary()
    {
        int districts = 0, streets = 0, communities = 0;
        foreach (var area in state.State.Areas.Values)
        {
            switch (area.Level)
            {
                case OrgLevel.District: districts++; break;
                case OrgLevel.Street: streets++; break;
                case OrgLevel.Community: communities++; break;
            }
        }

        return new TerritorySummary(CityId, districts, streets, communities, state.State.Grids.Count, state.State.Version);
    }
}
