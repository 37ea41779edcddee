using Dispatch.Desks;
using Dispatch.Workforce;
using Microsoft.Extensions.Logging;

namespace Dispatch.Territory;

/// <summary>A territory to load: streamed, so a province-sized one never sits in memory whole.</summary>
public sealed record TerritoryImport(
    IEnumerable<AreaInfo> Areas,
    IEnumerable<GridInfo> Grids,
    IEnumerable<BuildingInfo> Buildings,
    IEnumerable<WorkerProfile> Workers);

/// <summary>What a load put into the grains, and how long it took.</summary>
public sealed record TerritoryLoadReport(TerritorySummary Summary, int Buildings, int Workers, TimeSpan Elapsed);

/// <summary>
/// Loads a territory into the grains: the area and department desks, the grid desks, buildings
/// with the address book, workers (who put themselves on their grid's roster), and last the map.
/// Areas and grids are held while loading (they make up the map); buildings and workers stream.
/// </summary>
public sealed partial class TerritoryLoader(IGrainFactory grains, ILogger<TerritoryLoader> logger)
{
    private const int Batch = 1000;
    private const int Parallelism = 64;

    /// <summary>Address entries gathered per address-book partition before one AddMany sends them.</summary>
    private const int AddressBatch = 5_000;

    public async Task<TerritoryLoadReport> LoadAsync(TerritoryImport import, Catalog.CategoryCatalog catalog, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var areas = import.Areas.ToDictionary(a => a.Id);
        var city = areas.Values.SingleOrDefault(a => a.Level == OrgLevel.City)
            ?? throw new InvalidDataException("The territory has no city.");
        var territory = grains.GetGrain<ITerritoryGrain>(city.Id);

        foreach (var chunk in areas.Values.Chunk(Batch))
        {
            await territory.ImportAreas(chunk);
        }

        var grids = new List<GridInfo>();
        foreach (var chunk in import.Grids.Chunk(Batch))
        {
            grids.AddRange(chunk);
            await territory.ImportGrids(chunk);
        }

        var paths = PathsOf(areas, grids);
        await ConfigureDesks(areas, grids, catalog, cancellationToken: cancellationToken);
        var buildings = await LoadBuildings(import.Buildings, paths, cancellationToken);
        var workers = await LoadWorkers(import.Workers, cancellationToken);

        // The map last: whoever sees it (a gateway's readiness, a report located by a point) finds
        // its desks, buildings and workers in place.
        var summary = await territory.Commit();
        return new TerritoryLoadReport(summary, buildings, workers, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Makes <paramref name="areas"/> and <paramref name="grids"/> the whole map of the city, as its next
    /// version, in one step (see <see cref="ITerritoryGrain.CommitVersion"/>).
    /// </summary>
    /// <param name="importId">The import holding the map (<see cref="ITerritoryGrain.HoldImport"/>).</param>
    public async Task<TerritoryVersionCommitted> CommitVersionAsync(string cityId, string importId, IReadOnlyCollection<AreaInfo> areas, IReadOnlyCollection<GridInfo> grids)
    {
        var territory = grains.GetGrain<ITerritoryGrain>(cityId);
        await territory.BeginVersion(importId);
        foreach (var chunk in areas.Chunk(Batch))
        {
            await territory.ImportAreas(chunk, importId);
        }

        foreach (var chunk in grids.Chunk(Batch))
        {
            await territory.ImportGrids(chunk, importId);
        }

        return await territory.CommitVersion(importId);
    }

    /// <summary>Every grid's place in the tree.</summary>
    public static Dictionary<string, TerritoryPath> PathsOf(IReadOnlyDictionary<string, AreaInfo> areas, IEnumerable<GridInfo> grids)
    {
        var paths = new Dictionary<string, TerritoryPath>(StringComparer.Ordinal);
        foreach (var grid in grids)
        {
            paths[grid.Id] = PathOf(grid, areas);
        }

        return paths;
    }

    /// <summary>
    /// Sets up the area and department desks of a map (those <paramref name="which"/> picks, else all).
    /// Grid desks need no setting up: each takes its place from the map (<see cref="ITerritoryGrain.GetGridSetup"/>).
    /// </summary>
    public async Task ConfigureDesks(IReadOnlyDictionary<string, AreaInfo> areas, IReadOnlyCollection<GridInfo> grids,
        Catalog.CategoryCatalog catalog, Func<DeskRef, bool>? which = null, CancellationToken cancellationToken = default) =>
        await LoadDesks(areas, grids, catalog, which ?? (_ => true), cancellationToken);

    /// <summary>
    /// Sets up a desk for every department of <paramref name="catalog"/> under the city desk: a new
    /// catalog's new departments get theirs, and renamed ones their new name.
    /// </summary>
    /// <returns>How many desks were set up (those <paramref name="which"/> picks, else all).</returns>
    public async Task<int> ConfigureDepartmentDesks(string cityId, Catalog.CategoryCatalog catalog, Func<DeskRef, bool>? which = null)
    {
        var count = 0;
        foreach (var department in catalog.Departments)
        {
            var desk = DeskRef.Department(department.Code);
            if (which?.Invoke(desk) == false)
            {
                continue;
            }

            await grains.GetGrain<IDeskGrain>(desk.Key).Configure(new DeskSetup(desk, $"{department.NameEn} / {department.NameZh}",
                new DeskRef(OrgLevel.City, cityId), []));
            count++;
        }

        return count;
    }

    /// <summary>Loads buildings (and their addresses) whose grids are in <paramref name="paths"/>; answers how many.</summary>
    public async Task<int> LoadBuildings(IEnumerable<BuildingInfo> source, IReadOnlyDictionary<string, TerritoryPath> paths, CancellationToken cancellationToken = default)
    {
        var buildings = 0;
        var addresses = new Dictionary<int, List<KeyValuePair<string, string>>>();
        foreach (var chunk in source.Chunk(Batch))
        {
            await Parallel.ForEachAsync(chunk, Options(cancellationToken), async (building, _) =>
                await grains.GetGrain<IBuildingGrain>(building.Id).Configure(building,
                    paths.TryGetValue(building.GridId, out var path) ? path
                        : throw new InvalidDataException($"Building '{building.Id}' names grid '{building.GridId}', which is not in the territory.")));
            foreach (var building in chunk)
            {
                var partition = AddressBook.PartitionOf(AddressBook.Normalize(building.Address));
                if (!addresses.TryGetValue(partition, out var pending))
                {
                    addresses[partition] = pending = [];
                }

                pending.Add(KeyValuePair.Create(building.Address, building.Id));
            }

            // Each AddMany rewrites its whole partition, so entries are sent in large batches:
            // a call per chunk made the load grow with the square of the city.
            await FlushAddresses(addresses, AddressBatch);
            buildings += chunk.Length;
        }

        await FlushAddresses(addresses, 1);
        LogStage(logger, "buildings", buildings);
        return buildings;
    }

    /// <summary>Loads workers; each puts itself on its grid's roster. Answers how many.</summary>
    public async Task<int> LoadWorkers(IEnumerable<WorkerProfile> source, CancellationToken cancellationToken = default)
    {
        var workers = 0;
        foreach (var chunk in source.Chunk(Batch))
        {
            await Parallel.ForEachAsync(chunk, Options(cancellationToken), async (worker, _) =>
                await grains.GetGrain<IWorkerGrain>(worker.Id).Configure(worker));
            workers += chunk.Length;
        }

        LogStage(logger, "workers", workers);
        return workers;
    }

    /// <summary>Sends every partition's pending address entries once there are at least <paramref name="atLeast"/>.</summary>
    private async Task FlushAddresses(Dictionary<int, List<KeyValuePair<string, string>>> pending, int atLeast)
    {
        var full = pending.Where(p => p.Value.Count >= atLeast).ToArray();
        await Task.WhenAll(full.Select(p => grains.GetGrain<IAddressBookGrain>(p.Key).AddMany(p.Value.ToArray())));
        foreach (var (partition, _) in full)
        {
            pending.Remove(partition);
        }
    }

    private async Task LoadDesks(IReadOnlyDictionary<string, AreaInfo> areas, IReadOnlyCollection<GridInfo> grids, Catalog.CategoryCatalog catalog,
        Func<DeskRef, bool> which, CancellationToken cancellationToken)
    {
        var children = new Dictionary<string, List<DeskRef>>();
        foreach (var area in areas.Values.Where(a => a.ParentId is not null))
        {
            ChildrenOf(area.ParentId!).Add(new DeskRef(area.Level, area.Id));
        }

        foreach (var grid in grids)
        {
            ChildrenOf(grid.CommunityId).Add(DeskRef.Grid(grid.Id));
        }

        var picked = areas.Values.Where(a => which(new DeskRef(a.Level, a.Id))).ToArray();
        await Parallel.ForEachAsync(picked, Options(cancellationToken), async (area, _) =>
        {
            var desk = new DeskRef(area.Level, area.Id);
            var parent = area.ParentId is { } p ? new DeskRef(areas[p].Level, p) : (DeskRef?)null;
            var below = children.TryGetValue(area.Id, out var list)
                ? list.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray()
                : [];
            await grains.GetGrain<IDeskGrain>(desk.Key).Configure(new DeskSetup(desk, area.Name, parent, below));
        });

        var departments = await ConfigureDepartmentDesks(areas.Values.Single(a => a.Level == OrgLevel.City).Id, catalog, which);
        LogStage(logger, "desks", picked.Length + departments);

        List<DeskRef> ChildrenOf(string id)
        {
            if (!children.TryGetValue(id, out var list))
            {
                children[id] = list = [];
            }

            return list;
        }
    }

    private static TerritoryPath PathOf(GridInfo grid, IReadOnlyDictionary<string, AreaInfo> areas)
    {
        var community = areas[grid.CommunityId];
        var street = areas[community.ParentId!];
        var district = areas[street.ParentId!];
        return new TerritoryPath(district.ParentId!, district.Id, street.Id, community.Id, grid.Id);
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    [LoggerMessage(5001, LogLevel.Information, "Territory load: {Count} {Stage} loaded")]
    private static partial void LogStage(ILogger logger, string stage, int count);
}
