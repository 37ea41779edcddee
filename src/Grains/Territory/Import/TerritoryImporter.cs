using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dispatch.Catalog;
using Dispatch.Workforce;
using Microsoft.Extensions.Logging;

namespace Dispatch.Territory.Import;

/// <summary>One file of an import: its name (for messages), its bytes, and how to read its boundaries.</summary>
public sealed record ImportFile(string Name, byte[] Content, LayerOptions Layer);

/// <summary>What an import asks for.</summary>
/// <param name="ToleranceSquareMetres">Overlaps, gaps and parts outside a parent smaller than this are let through.</param>
/// <param name="DryRun">Check everything, change nothing.</param>
public sealed record TerritoryImportRequest(
    IReadOnlyList<ImportFile> Files,
    string? CityName = null,
    double ToleranceSquareMetres = 1.0,
    bool DryRun = false);

/// <summary>What an import did.</summary>
/// <param name="CatalogChecked">A catalog file came and checks out.</param>
/// <param name="CatalogVersion">The version it was installed as (<see cref="ICatalogGrain"/>); null when none was installed.</param>
public sealed record TerritoryImportResult(
    TerritorySummary? Summary,
    int Buildings,
    int Workers,
    IReadOnlyList<string> RemovedGrids,
    IReadOnlyList<string> RemovedAreas,
    int MovedCases,
    IReadOnlyList<ImportProblem> Repairs,
    IReadOnlyList<string> Generated,
    bool CatalogChecked,
    int? CatalogVersion,
    bool DryRun,
    double Seconds);

/// <summary>
/// A city's own files into the territory: GeoJSON boundaries (any of the levels, nested or flat),
/// buildings and workers as CSV, and the catalog as JSON, which is installed for the whole cluster
/// (<see cref="ICatalogGrain"/>) and swapped into <c>catalog</c>, this process's. Everything is read and checked before
/// anything is written, and a problem anywhere refuses the whole import
/// (<see cref="TerritoryImportException"/>). Then, holding the map against other imports
/// (<see cref="ITerritoryGrain.HoldImport"/>), the desks the new version adds are set up, the map
/// becomes the next version in one step (<see cref="ITerritoryGrain.CommitVersion"/>), the desks
/// that stay, buildings and workers are set up, and the grids and areas the new version no longer
/// has are retired: each moves its open cases to the desk that now holds their location. Used by <c>Dispatch.Silo territory import</c> and <c>PUT /api/v1/territory</c>.
/// </summary>
public sealed partial class TerritoryImporter(IGrainFactory grains, CategoryCatalog catalog, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<TerritoryImporter>();

    private enum FileKind { Boundaries, Buildings, Workers, Catalog }

    public async Task<TerritoryImportResult> ImportAsync(string cityId, TerritoryImportRequest request, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        progress ??= message => LogProgress(_logger, message);
        var problems = new List<ImportProblem>();
        var features = new List<LayerFeature>();
        var buildingRows = new List<BuildingRow>();
        var workerRows = new List<(string Where, WorkerProfile Worker)>();
        var catalogChecked = false;
        (ImportFile File, string Json, CategoryCatalog Parsed)? catalogFile = null;
        var hasBoundaries = false;
        if (request.Files.Count == 0)
        {
            problems.Add(new ImportProblem("import", "no files"));
        }

        foreach (var file in request.Files)
        {
            var started = clock.Elapsed;
            switch (KindOf(file))
            {
                case FileKind.Boundaries:
                    hasBoundaries = true;
                    var read = GeoJsonLayerReader.Read(new MemoryStream(file.Content, writable: false), file.Name, file.Layer, problems);
                    features.AddRange(read);
                    progress($"{file.Name}: {read.Count:N0} boundaries read in {(clock.Elapsed - started).TotalSeconds:F1} s");
                    break;
                case FileKind.Buildings:
                    buildingRows.AddRange(RosterFiles.Buildings(Table(file, problems), problems));
                    progress($"{file.Name}: {buildingRows.Count:N0} buildings read");
                    break;
                case FileKind.Workers:
                    workerRows.AddRange(RosterFiles.Workers(Table(file, problems), problems));
                    progress($"{file.Name}: {workerRows.Count:N0} workers read");
                    break;
                case FileKind.Catalog:
                    try
                    {
                        var checkedCatalog = CategoryCatalog.Load(file.Content, file.Name);
                        var json = new StreamReader(new MemoryStream(file.Content, writable: false), Encoding.UTF8).ReadToEnd();
                        var refusals = await grains.GetGrain<ICatalogGrain>(0).Check(json);
                        problems.AddRange(refusals.Select(what => new ImportProblem(file.Name, what)));
                        if (catalogFile is { } other)
                        {
                            problems.Add(new ImportProblem(file.Name, $"a second catalog (the first is {other.File.Name}): give one"));
                        }

                        catalogFile = (file, json, checkedCatalog);
                        catalogChecked = refusals.Count == 0;
                        progress($"{file.Name}: catalog of {checkedCatalog.Categories.Count} categories is valid"
                            + (refusals.Count == 0 ? " and keeps every code of the current one" : ", but may not replace the current one"));
                    }
                    catch (Exception ex) when (ex is JsonException or InvalidDataException or ArgumentException or KeyNotFoundException)
                    {
                        problems.Add(new ImportProblem(file.Name, $"not a valid catalog: {ex.Message}"));
                    }

                    break;
            }
        }

        // The new map (when boundaries came), checked whole; else buildings and workers go on the current one.
        TerritoryDraft? draft = null;
        TerritoryMap? map = null;
        if (features.Count > 0)
        {
            var started = clock.Elapsed;
            draft = TerritoryAssembler.Assemble(cityId, request.CityName ?? await CurrentCityName(cityId), features, problems, request.ToleranceSquareMetres, progress);
            // The index is built only to place buildings given by a point alone: the territory grain
            // builds its own at the commit, and the assembler has checked the tree already.
            if (draft is not null && buildingRows.Any(b => b.GridId is null))
            {
                try
                {
                    map = TerritoryMap.Build(draft.Areas, draft.Grids);
                }
                catch (InvalidDataException ex)
                {
                    problems.Add(new ImportProblem("territory", ex.Message));
                }
            }

            if (draft is not null)
            {
                progress($"checked {draft.Grids.Count:N0} grids and {draft.Areas.Count - 1:N0} areas in {(clock.Elapsed - started).TotalSeconds:F1} s"
                    + (draft.Repairs.Count > 0 ? $"; {draft.Repairs.Count} boundar{(draft.Repairs.Count == 1 ? "y" : "ies")} repaired" : ""));
            }
        }

        var paths = draft is not null
            ? TerritoryLoader.PathsOf(draft.Areas.ToDictionary(a => a.Id, StringComparer.Ordinal), draft.Grids)
            : new Dictionary<string, TerritoryPath>(StringComparer.Ordinal);
        // Boundary files that failed their checks leave no map to place buildings and workers on:
        // their problems are reported, and theirs wait for a good map.
        var placeable = !hasBoundaries || draft is not null;
        var buildings = placeable ? await PlaceBuildings(cityId, buildingRows, draft, map, paths, problems) : [];
        foreach (var (where, worker) in placeable ? workerRows : [])
        {
            if (!await HasGrid(cityId, worker.GridId, draft, paths))
            {
                problems.Add(new ImportProblem(where, $"worker '{worker.Id}' names grid '{worker.GridId}', which is not in the territory"));
            }
        }

        if (problems.Count > 0)
        {
            throw new TerritoryImportException(problems);
        }

        var repairs = draft?.Repairs ?? [];
        var generated = draft?.Generated ?? [];
        if (request.DryRun)
        {
            return new TerritoryImportResult(null, buildings.Count, workerRows.Count, [], [], 0, repairs, generated, catalogChecked, null, true, clock.Elapsed.TotalSeconds);
        }

        var loader = new TerritoryLoader(grains, loggers.CreateLogger<TerritoryLoader>());
        var territory = grains.GetGrain<ITerritoryGrain>(cityId);
        var importId = Guid.NewGuid().ToString("N");
        await territory.HoldImport(importId);
        try
        {
            // The catalog first: the desks set up below and the reports after the import need it.
            (CategoryCatalog Catalog, int Version)? installed = catalogFile is { } given ? await InstallCatalog(given.File, given.Json, given.Parsed, progress) : null;
            var deskCatalog = installed?.Catalog ?? catalog;
            TerritorySummary summary;
            IReadOnlyList<Desks.GridSetup> removedGrids = [];
            IReadOnlyList<DeskRef> removedAreas = [];
            if (draft is not null)
            {
                var areas = draft.Areas.ToDictionary(a => a.Id, StringComparer.Ordinal);
                var current = await territory.GetIds();
                var (currentAreas, currentGrids) = (current.Areas.ToHashSet(StringComparer.Ordinal), current.Grids.ToHashSet(StringComparer.Ordinal));
                bool IsCurrent(DeskRef desk) => desk.Level == OrgLevel.Grid ? currentGrids.Contains(desk.Id) : currentAreas.Contains(desk.Id);

                // Desks the new version adds are set up before it becomes current, so no report reaches
                // a desk that does not know its place; desks that stay take their new place right after.
                // (Grid desks read theirs from the map.)
                await loader.ConfigureDesks(areas, draft.Grids, deskCatalog, desk => !IsCurrent(desk), cancellationToken);
                var committed = await loader.CommitVersionAsync(cityId, importId, draft.Areas, draft.Grids);
                summary = committed.Summary;
                (removedGrids, removedAreas) = (committed.RemovedGrids, committed.RemovedAreas);
                progress($"territory version {summary.Version} is current: {summary.Districts:N0} districts, {summary.Streets:N0} streets, "
                    + $"{summary.Communities:N0} communities, {summary.Grids:N0} grids ({removedGrids.Count:N0} grids and {removedAreas.Count:N0} areas of the previous version gone)");
                await territory.HoldImport(importId);
                await loader.ConfigureDesks(areas, draft.Grids, deskCatalog, IsCurrent, cancellationToken);
            }
            else
            {
                summary = await territory.GetSummary();
                if (installed is not null && summary.Version > 0)
                {
                    // No new map to set the desks up from: the new catalog's departments go under the current map's city desk.
                    await loader.ConfigureDepartmentDesks(summary.CityId, installed.Value.Catalog);
                }
            }

            await territory.HoldImport(importId);
            var buildingCount = await loader.LoadBuildings(buildings, paths, cancellationToken);
            if (buildingCount > 0)
            {
                progress($"{buildingCount:N0} buildings loaded");
            }

            await territory.HoldImport(importId);
            var workerCount = await loader.LoadWorkers(workerRows.Select(w => w.Worker), cancellationToken);
            if (workerCount > 0)
            {
                progress($"{workerCount:N0} workers loaded");
            }

            await territory.HoldImport(importId);
            var moved = 0;
            foreach (var chunk in removedGrids.Chunk(1_000))
            {
                var counts = await Task.WhenAll(chunk.Select(place => grains.GetGrain<Desks.IGridGrain>(place.Grid.Id).Retire(summary.Version, place)));
                moved += counts.Sum();
            }

            // Areas after grids: a grid's case moves to where its place is now, never to a retired area.
            foreach (var chunk in removedAreas.Chunk(1_000))
            {
                var counts = await Task.WhenAll(chunk.Select(desk => grains.GetGrain<Desks.IDeskGrain>(desk.Key).Retire(summary.Version)));
                moved += counts.Sum();
            }

            if (removedGrids.Count + removedAreas.Count > 0)
            {
                progress($"{removedGrids.Count:N0} grids and {removedAreas.Count:N0} areas retired; {moved:N0} open case(s) moved to the desks that now hold them");
            }

            LogImported(_logger, cityId, summary.Version, summary.Grids, buildingCount, workerCount, moved, clock.Elapsed.TotalSeconds);
            return new TerritoryImportResult(summary, buildingCount, workerCount, removedGrids.Select(g => g.Grid.Id).ToArray(), removedAreas.Select(d => d.Key).ToArray(), moved,
                repairs, generated, catalogChecked, installed?.Version, false, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await territory.ReleaseImport(importId);
        }
    }

    /// <summary>
    /// Stores the catalog as the cluster's next version and uses it in this process at once; the
    /// other silos and gateways take it up at their next check (<see cref="CatalogRefresher"/>).
    /// </summary>
    private async Task<(CategoryCatalog Catalog, int Version)> InstallCatalog(ImportFile file, string json, CategoryCatalog newer, Action<string> progress)
    {
        InstalledCatalog installed;
        try
        {
            installed = await grains.GetGrain<ICatalogGrain>(0).Install(json);
        }
        catch (Errors.ValidationFailedException refused)
        {
            // Checked above; another import installed a catalog in between that this one does not follow.
            throw new TerritoryImportException([new ImportProblem(file.Name, refused.Message)]);
        }

        catalog.Replace(newer, installed.Version);
        progress($"{file.Name}: catalog version {installed.Version} installed ({newer.Categories.Count} categories, {newer.Departments.Count} departments)");
        LogCatalogInstalled(_logger, installed.Version, file.Name);
        return (newer, installed.Version);
    }

    /// <summary>Each building's grid: the one its line names (which must exist), else the one its point lies in.</summary>
    private async Task<List<BuildingInfo>> PlaceBuildings(string cityId, List<BuildingRow> rows, TerritoryDraft? draft, TerritoryMap? map,
        Dictionary<string, TerritoryPath> paths, List<ImportProblem> problems)
    {
        var buildings = new List<BuildingInfo>(rows.Count);
        var gridsById = draft?.Grids.ToDictionary(g => g.Id, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string? gridId;
            if (row.GridId is { } named)
            {
                gridId = await HasGrid(cityId, named, draft, paths) ? named : null;
                if (gridId is null)
                {
                    problems.Add(new ImportProblem(row.Where, $"building '{row.Id}' names grid '{named}', which is not in the territory"));
                    continue;
                }
            }
            else
            {
                var (lon, lat) = (row.Longitude!.Value, row.Latitude!.Value);
                var path = map?.Locate(lon, lat) ?? await grains.GetGrain<ITerritoryGrain>(cityId).Locate(lon, lat);
                gridId = path.GridId;
                if (gridId is null)
                {
                    problems.Add(new ImportProblem(row.Where, $"building '{row.Id}' at ({Boundaries.Number(lon)} {Boundaries.Number(lat)}) lies in no grid"));
                    continue;
                }

                paths[gridId] = path;
            }

            // Without a point of its own a building stands for its grid: at the grid's interior point.
            var (longitude, latitude) = row.Longitude is { } x && row.Latitude is { } y ? (x, y) : await PointOf(cityId, gridId, gridsById);
            buildings.Add(new BuildingInfo(row.Id, row.Name, row.Address, longitude, latitude, row.Households, gridId, row.LeaderName));
        }

        return buildings;
    }

    private async Task<bool> HasGrid(string cityId, string gridId, TerritoryDraft? draft, Dictionary<string, TerritoryPath> paths)
    {
        if (paths.ContainsKey(gridId))
        {
            return true;
        }

        if (draft is not null)
        {
            return false;
        }

        if (await grains.GetGrain<ITerritoryGrain>(cityId).PathOfGrid(gridId) is { } path)
        {
            paths[gridId] = path;
            return true;
        }

        return false;
    }

    private async Task<(double, double)> PointOf(string cityId, string gridId, Dictionary<string, GridInfo>? gridsById)
    {
        var grid = gridsById?.GetValueOrDefault(gridId) ?? await grains.GetGrain<ITerritoryGrain>(cityId).GetGrid(gridId);
        var point = new NetTopologySuite.IO.WKTReader().Read(grid!.BoundaryWkt).InteriorPoint;
        return (Math.Round(point.X, 7), Math.Round(point.Y, 7));
    }

    private async Task<string> CurrentCityName(string cityId) =>
        (await grains.GetGrain<ITerritoryGrain>(cityId).GetArea(cityId))?.Name ?? $"{cityId} city";

    private static CsvTable Table(ImportFile file, List<ImportProblem> problems) =>
        CsvTable.Read(new StreamReader(new MemoryStream(file.Content, writable: false), Encoding.UTF8), file.Name, problems);

    /// <summary>CSV by name (workers when it has a role or skills column); JSON by its top-level members: a FeatureCollection or a catalog.</summary>
    private static FileKind KindOf(ImportFile file)
    {
        if (file.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var header = new StreamReader(new MemoryStream(file.Content, writable: false)).ReadLine() ?? "";
            return RosterFiles.IsWorkers(CsvTable.Read(new StringReader(header), file.Name, [])) ? FileKind.Workers : FileKind.Buildings;
        }

        var reader = new Utf8JsonReader(file.Content, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("categories"u8))
                    {
                        return FileKind.Catalog;
                    }

                    if (reader.ValueTextEquals("features"u8) || reader.ValueTextEquals("type"u8))
                    {
                        return FileKind.Boundaries;
                    }

                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the GeoJSON reader says so, naming the file.
        }

        return FileKind.Boundaries;
    }

    [LoggerMessage(5201, LogLevel.Information, "Territory import: {Message}")]
    private static partial void LogProgress(ILogger logger, string message);

    [LoggerMessage(5210, LogLevel.Information, "Catalog version {Version} installed from {File}")]
    private static partial void LogCatalogInstalled(ILogger logger, int version, string file);

    [LoggerMessage(5202, LogLevel.Information, "Territory {CityId} version {Version} imported: {Grids} grids, {Buildings} buildings, {Workers} workers; {Moved} open cases moved; {Seconds:F1} s")]
    private static partial void LogImported(ILogger logger, string cityId, int version, int grids, int buildings, int workers, int moved, double seconds);
}
