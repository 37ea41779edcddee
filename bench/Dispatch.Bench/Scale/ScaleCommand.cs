using System.Diagnostics;
using System.Globalization;
using Dispatch.Bench.Stats;
using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Territory;
using Dispatch.Workforce;
using Orleans.Core.Internal;

namespace Dispatch.Bench.Scale;

/// <summary>
/// Loads a province-sized demo city into one silo in this process and reports the load time per
/// stage, the silo's memory in total and per grain type with every grid and worker active, and
/// what remains once the building activations are deactivated (buildings are read only when a
/// report is located, so they need not stay in memory).
/// </summary>
public static class ScaleCommand
{
    private const string GridType = nameof(GridGrain);
    private const string WorkerType = nameof(WorkerGrain);
    private const string BuildingType = nameof(BuildingGrain);
    private const double TargetGiB = 4;
    private const int CallsInFlight = 256;
    private static readonly TimeSpan DeactivationWait = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The grain type whose activations each loader stage is about, for bytes per activation. Not the
    /// desks stage: the territory map, built before it, outweighs its thousand desks.
    /// </summary>
    private static readonly Dictionary<string, string> StageGrainType = new(StringComparer.Ordinal)
    {
        ["grids"] = GridType,
        ["buildings"] = BuildingType,
        ["workers"] = WorkerType,
    };

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var city = CityArgs.From(args, defaultGrids: 100_000, buildingsPerGrid: 10, workersPerGrid: 3);
        var storage = BenchSilo.ParseStorage(args);
        args.RejectUnknown();

        var output = Console.Out;
        output.WriteLine($"scale: {CityArgs.Describe(city)}; storage {storage.ToString().ToLowerInvariant()}; {Environment.ProcessorCount} cores, "
            + $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} (shared machine: other work may run alongside)");

        await using var machine = MachineStats.Start();
        await using var silo = await BenchSilo.StartAsync(storage);
        var generator = new DemoCityGenerator(city);

        var empty = await SiloMemory.TakeAsync(silo.Management);
        empty.Print(output, "silo started, nothing loaded");

        output.WriteLine("load:");
        var recorder = new LoadStageRecorder(silo.Management, output);
        recorder.Start();
        var report = await new TerritoryLoader(silo.Grains, recorder).LoadAsync(generator.ToImport(), CategoryCatalog.Default);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  total {recorder.Stages.Sum(s => s.Elapsed.TotalSeconds):F1} s loading ({report.Elapsed.TotalSeconds:F1} s with the memory snapshots between stages): "
            + $"{report.Summary.Grids:N0} grids, {report.Buildings:N0} buildings, {report.Workers:N0} workers"));
        PrintStages(output, empty, recorder.Stages);

        await TouchMissing(silo, generator, output);
        var allActive = await SiloMemory.TakeAsync(silo.Management);
        allActive.Print(output, "every grid, worker and building active");

        var withoutBuildings = await DeactivateBuildings(silo, generator, output);
        withoutBuildings.Print(output, "building activations deactivated");
        var buildingsGone = allActive.ActivationsOf(BuildingType) - withoutBuildings.ActivationsOf(BuildingType);
        if (buildingsGone > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  buildings: {MachineSummary.Mib(allActive.HeapBytes - withoutBuildings.HeapBytes)} of heap for {buildingsGone:N0} activations "
                + $"= {(allActive.HeapBytes - withoutBuildings.HeapBytes) / (double)buildingsGone:N0} B each (their address-book entries stay)"));
        }

        var target = TargetGiB * 1024 * 1024 * 1024;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: {withoutBuildings.ActivationsOf(GridType):N0} grids + {withoutBuildings.ActivationsOf(WorkerType):N0} workers active in under {TargetGiB} GB: "
            + $"heap {MachineSummary.Mib(withoutBuildings.HeapBytes)} ({Verdict(withoutBuildings.HeapBytes < target)}), "
            + $"RSS {MachineSummary.Mib(withoutBuildings.RssBytes)} ({Verdict(withoutBuildings.RssBytes < target)}); "
            + $"with buildings active too: heap {MachineSummary.Mib(allActive.HeapBytes)}, RSS {MachineSummary.Mib(allActive.RssBytes)}"));

        (await machine.StopAsync()).Print(output);
        return 0;
    }

    /// <summary>
    /// Per stage: time, the activations it added by type, the heap it added, and that heap divided by
    /// the activations of the stage's own type — the cost of one such grain including whatever else
    /// the stage put in memory (a worker's roster entry on its grid, a building's address-book entry).
    /// </summary>
    private static void PrintStages(TextWriter output, SiloMemory before, IReadOnlyList<LoadStage> stages)
    {
        output.WriteLine("  stage        count      time      per s   heap added   added activations (bytes per activation of the stage's type)");
        output.WriteLine("  (desks: the territory map, then the area and department desks)");
        var previous = before;
        foreach (var stage in stages)
        {
            var heap = stage.After.HeapBytes - previous.HeapBytes;
            var added = stage.After.Activations
                .Select(a => (Type: a.Key, Count: a.Value - previous.ActivationsOf(a.Key)))
                .Where(a => a.Count != 0)
                .OrderByDescending(a => a.Count)
                .ToArray();
            var own = StageGrainType.TryGetValue(stage.Name, out var type) ? added.FirstOrDefault(a => a.Type == type).Count : 0;
            var perActivation = own > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({heap / (double)own:N0} B per {type})") : "";
            var types = string.Join(", ", added.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Type} {a.Count:N0}")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {stage.Name,-9} {stage.Count,9:N0} {stage.Elapsed.TotalSeconds,8:F1} s {stage.Count / stage.Elapsed.TotalSeconds,9:N0} {MachineSummary.Mib(heap),12}   {types}{perActivation}"));
            previous = stage.After;
        }
    }

    /// <summary>"All active at once": activates whatever grid or worker is not (the loader normally leaves them all active).</summary>
    private static async Task TouchMissing(BenchSilo silo, DemoCityGenerator generator, TextWriter output)
    {
        var active = await SiloMemory.ActivationsAsync(silo.Management);
        var city = generator.Options;
        if (active.GetValueOrDefault(GridType) < city.TotalGrids)
        {
            var clock = Stopwatch.StartNew();
            await ForEach(generator.Grids().Select(g => g.Id), id => silo.Grains.GetGrain<IGridGrain>(id).GetAssignments(""));
            output.WriteLine($"  touched every grid ({active.GetValueOrDefault(GridType):N0} were active) in {clock.Elapsed.TotalSeconds:F1} s");
        }

        if (active.GetValueOrDefault(WorkerType) < city.TotalWorkers)
        {
            var clock = Stopwatch.StartNew();
            await ForEach(generator.Workers().Select(w => w.Id), id => silo.Grains.GetGrain<IWorkerGrain>(id).Get());
            output.WriteLine($"  touched every worker ({active.GetValueOrDefault(WorkerType):N0} were active) in {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>
    /// Asks every building activation to deactivate when idle, through the management extension every
    /// Orleans grain carries, and waits until the silo counts none. Only buildings go: grids and workers stay.
    /// </summary>
    private static async Task<SiloMemory> DeactivateBuildings(BenchSilo silo, DemoCityGenerator generator, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        await ForEach(generator.Buildings().Select(b => b.Id), async id =>
            await silo.Grains.GetGrain<IBuildingGrain>(id).AsReference<IGrainManagementExtension>().DeactivateOnIdle());

        int left;
        while ((left = (await SiloMemory.ActivationsAsync(silo.Management)).GetValueOrDefault(BuildingType)) > 0 && clock.Elapsed < DeactivationWait)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        output.WriteLine($"  deactivating buildings took {clock.Elapsed.TotalSeconds:F1} s; {left:N0} still active");
        return await SiloMemory.TakeAsync(silo.Management);
    }

    private static Task ForEach(IEnumerable<string> ids, Func<string, Task> call) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = CallsInFlight }, async (id, _) => await call(id));

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
