using Dispatch.Desks;
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
/// validates the whole tree before anything is persisted, so a bad import changes nothing. An
/// import holds the map while it runs (<see cref="HoldImport"/>), so a second one cannot stage
/// into it or set up desks for another version meanwhile.
/// </summary>
[GrainType("territory")]
public sealed class TerritoryGrain(
    [PersistentState("territory")] IPersistentState<TerritoryState> state,
    DispatchTime time) : Grain, ITerritoryGrain
{
    /// <summary>How long a hold lasts unless renewed: an import that died lets the next one in after this.</summary>
    public static readonly TimeSpan HoldTime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, AreaInfo> _stagedAreas = [];
    private readonly Dictionary<string, GridInfo> _stagedGrids = [];
    private TerritoryMap? _map;
    private (string ImportId, DateTimeOffset Started, DateTimeOffset Until)? _hold;

    private string CityId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Areas.Count > 0)
        {
            _map = TerritoryMap.Build(state.State.Areas.Values, state.State.Grids.Values);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public Task HoldImport(string importId)
    {
        CheckHold(importId);
        _hold = (importId, _hold?.ImportId == importId ? _hold.Value.Started : time.Now, time.Now + HoldTime);
        return Task.CompletedTask;
    }

    public Task ReleaseImport(string importId)
    {
        if (_hold?.ImportId == importId)
        {
            _hold = null;
            _stagedAreas.Clear();
            _stagedGrids.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>Refuses a caller that is not the import holding the map (an expired hold holds nothing).</summary>
    private void CheckHold(string? importId)
    {
        if (_hold is { } hold && hold.ImportId != importId && hold.Until > time.Now)
        {
            throw new ConcurrentChangeException(
                $"Another territory import (started {hold.Started:u}) is running; try again when it has finished. If it died, its hold ends at {hold.Until:u}.");
        }
    }

    public Task ImportAreas(IReadOnlyList<AreaInfo> areas, string? importId = null)
    {
        CheckHold(importId);
        foreach (var area in areas)
        {
            _stagedAreas[area.Id] = area;
        }

        return Task.CompletedTask;
    }

    public Task ImportGrids(IReadOnlyList<GridInfo> grids, string? importId = null)
    {
        CheckHold(importId);
        foreach (var grid in grids)
        {
            _stagedGrids[grid.Id] = grid;
        }

        return Task.CompletedTask;
    }

    public Task<TerritorySummary> Commit()
    {
        CheckHold(null);
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

    public Task BeginVersion(string importId)
    {
        RequireHold(importId);
        _stagedAreas.Clear();
        _stagedGrids.Clear();
        return Task.CompletedTask;
    }

    public async Task<TerritoryVersionCommitted> CommitVersion(string importId)
    {
        RequireHold(importId);
        // Each removed grid's place in the map it leaves: its desk shows it from now on.
        var removedGrids = state.State.Grids.Values.Where(g => !_stagedGrids.ContainsKey(g.Id)).OrderBy(g => g.Id, StringComparer.Ordinal)
            .Select(g => new GridSetup(g, _map!.PathOfGrid(g.Id)!)).ToArray();
        var removedAreas = state.State.Areas.Values.Where(a => !_stagedAreas.ContainsKey(a.Id))
            .Select(a => new DeskRef(a.Level, a.Id)).OrderBy(d => d.Key, StringComparer.Ordinal).ToArray();
        var summary = await Install(new Dictionary<string, AreaInfo>(_stagedAreas), new Dictionary<string, GridInfo>(_stagedGrids));
        return new TerritoryVersionCommitted(summary, removedGrids, removedAreas);
    }

    /// <summary>A new version is staged and committed only by the import that holds the map now.</summary>
    private void RequireHold(string importId)
    {
        CheckHold(importId);
        if (_hold?.ImportId != importId)
        {
            throw new ConcurrentChangeException($"Import {importId} does not hold the map (its hold ended, or it never took one); start the import again.");
        }
    }

    public Task<TerritoryIds> GetIds() =>
        Task.FromResult(new TerritoryIds(state.State.Areas.Keys.ToArray(), state.State.Grids.Keys.ToArray()));

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

    public Task<IReadOnlyDictionary<string, string>> GetAreaNames(IReadOnlyList<string> areaIds)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in areaIds)
        {
            if (state.State.Areas.TryGetValue(id, out var area))
            {
                names[id] = area.Name;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(names);
    }

    public Task<GridInfo?> GetGrid(string gridId) => Task.FromResult(state.State.Grids.GetValueOrDefault(gridId));

    public Task<GridSetup?> GetGridSetup(string gridId) =>
        Task.FromResult(state.State.Grids.TryGetValue(gridId, out var grid) && _map?.PathOfGrid(gridId) is { } path ? new GridSetup(grid, path) : null);

    public Task<IReadOnlyList<string>> GetChildren(string areaId) =>
        Task.FromResult(_map?.ChildrenOf(areaId) ?? []);

    public Task<TerritorySummary> GetSummary() => Task.FromResult(Summary());

    public Task<TerritoryWholeMap> GetWholeMap() =>
        Task.FromResult(new TerritoryWholeMap(state.State.Version, state.State.Areas.Values.ToArray(), state.State.Grids.Values.ToArray()));

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
