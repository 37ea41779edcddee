using System.Diagnostics;
using System.Globalization;
using Dispatch.Bench.Stats;
using Dispatch.Catalog;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Territory;
using Dispatch.Workforce;
using Microsoft.Extensions.Logging;

namespace Dispatch.Bench.Scale;

/// <summary>
/// Opens many cases through the real intake in one silo in this process, every one with the same
/// resolve limit, so their escalation deadlines fall due spread over as long as the submission
/// took; then watches the live feed and reports how late each escalation came (the Escalate
/// line's time − the case's ResolveDue) and the CPU the escalations cost.
/// </summary>
public static class EscalationCommand
{
    /// <summary>Accept deadlines must never fire in a run: only escalations are measured.</summary>
    private static readonly TimeSpan AcceptNeverDue = TimeSpan.FromHours(12);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private const double TargetP99Ms = 1000;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var city = CityArgs.From(args, defaultGrids: 20_000, buildingsPerGrid: 10, workersPerGrid: 3);
        var cases = args.Int("cases", 1_000_000);
        var inFlight = args.Int("in-flight", 1_000);
        var resolveWithin = args.Seconds("resolve-within", DefaultResolveWithin(cases).TotalSeconds);
        var timeout = args.Seconds("timeout", 300);
        var storage = BenchSilo.ParseStorage(args);
        args.RejectUnknown();
        if (cases < 1 || inFlight < 1)
        {
            throw new ArgumentException("--cases and --in-flight are at least 1.");
        }

        var output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"escalation: {cases:N0} cases on {CityArgs.Describe(city)} ({cases / (double)city.TotalGrids:F1} per grid); resolve limit {resolveWithin.TotalSeconds:N0} s; "
            + $"{inFlight:N0} reports in flight; storage {storage.ToString().ToLowerInvariant()}; {Environment.ProcessorCount} cores, "
            + $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} (shared machine: other work may run alongside)"));
        if (cases < 10 * city.TotalGrids)
        {
            output.WriteLine("  note: fewer than 10 cases per grid on average");
        }

        var catalogPath = EscalationCatalog.Write(AcceptNeverDue, resolveWithin);
        try
        {
            await using var silo = await BenchSilo.StartAsync(storage, new Dictionary<string, string?> { ["Dispatch:CatalogPath"] = catalogPath });
            return await RunAsync(silo, city, cases, inFlight, timeout, output);
        }
        finally
        {
            File.Delete(catalogPath);
        }
    }

    private static async Task<int> RunAsync(BenchSilo silo, DemoCityOptions city, int cases, int inFlight, TimeSpan timeout, TextWriter output)
    {
        var generator = new DemoCityGenerator(city);
        var clock = Stopwatch.StartNew();
        var loaded = await new TerritoryLoader(silo.Grains, silo.Loggers.CreateLogger<TerritoryLoader>()).LoadAsync(generator.ToImport(), CategoryCatalog.Default);
        var onDuty = await PutGridWorkersOnDuty(silo.Grains, generator);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  city loaded in {loaded.Elapsed.TotalSeconds:F1} s; {onDuty:N0} grid workers put on duty; all grid workers on duty after {clock.Elapsed.TotalSeconds:F1} s"));

        var plan = CasePlan.For(generator, cases);
        output.WriteLine($"  categories (grid-owned, a grid worker's skill): {string.Join(", ", plan.Categories)}; "
            + $"{plan.Buildings:N0} buildings, no two cases share building and category, so none merge");

        var watch = new EscalationWatch(cases);
        await using var feed = await FeedSubscription.StartAsync(silo.Grains, watch);

        var resolveDueTicks = new long[cases];
        var submission = await Submit(silo.Grains, plan, resolveDueTicks, inFlight, watch, output);
        var open = await SiloMemory.TakeAsync(silo.Management);
        open.Print(output, "all cases submitted");
        output.WriteLine($"  dispatched so far {watch.Dispatched:N0}, merged {watch.Merged:N0}");

        var due = resolveDueTicks.Where(t => t > 0).Order().ToArray();
        if (due.Length == 0)
        {
            output.WriteLine("  no case was registered; nothing to measure");
            return 1;
        }

        var firstDue = new DateTimeOffset(due[0], TimeSpan.Zero);
        var lastDue = new DateTimeOffset(due[^1], TimeSpan.Zero);
        if (firstDue < submission.Ended)
        {
            output.WriteLine($"  WARNING: the first case fell due {(submission.Ended - firstDue).TotalSeconds:F0} s before the submission ended; "
                + "escalations overlap with intake. Raise --resolve-within.");
        }

        var window = await WatchEscalations(watch, due, firstDue, lastDue, timeout, output);
        PrintLateness(output, resolveDueTicks, watch, window, submission.Registered);
        var (_, peak) = SiloMemory.ResidentMemory();
        output.WriteLine($"  peak RSS of the process over the run: {MachineSummary.Mib(peak)}");
        return 0;
    }

    /// <summary>
    /// Long enough for the submission to finish before the first case falls due: one silo on 2 shared
    /// cores took in about 2,400 reports/s here, and the memory snapshot after it pauses for a full collection.
    /// </summary>
    private static TimeSpan DefaultResolveWithin(int cases) => TimeSpan.FromSeconds(120 + (cases / 1_500.0));

    /// <summary>The generated city leaves some grid workers off duty; every grid needs one for every case to be dispatched.</summary>
    private static async Task<int> PutGridWorkersOnDuty(IGrainFactory grains, DemoCityGenerator generator)
    {
        var offDuty = generator.Workers().Where(w => w.Role == WorkerRole.GridWorker && !w.OnDuty).Select(w => w.Id).ToArray();
        await Parallel.ForEachAsync(offDuty, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) =>
            await grains.GetGrain<IWorkerGrain>(id).SetDuty(true, "bench"));
        return offDuty.Length;
    }

    private sealed record SubmissionResult(int Registered, DateTimeOffset Ended);

    /// <summary>Reports every planned case through the intake, <paramref name="inFlight"/> at a time, and notes each answer's ResolveDue.</summary>
    private static async Task<SubmissionResult> Submit(IGrainFactory grains, CasePlan plan, long[] resolveDueTicks, int inFlight, EscalationWatch watch, TextWriter output)
    {
        var intake = grains.GetGrain<IIntakeGrain>(0);
        var actor = ActorRef.System("bench");
        var reporter = new Reporter("Bench Resident", "13900000000");
        var day = DateTimeOffset.UtcNow;
        var registered = 0;
        var failed = 0;
        string? firstFailure = null;
        var started = Stopwatch.GetTimestamp();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

        using var stop = new CancellationTokenSource();
        var progress = Progress(() => string.Create(CultureInfo.InvariantCulture,
            $"  submitting: {Volatile.Read(ref registered):N0} registered ({Volatile.Read(ref registered) / Stopwatch.GetElapsedTime(started).TotalSeconds:N0}/s), "
            + $"{watch.Dispatched:N0} dispatched, {Volatile.Read(ref failed):N0} failed"), output, stop.Token);

        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Count), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (sequence, _) =>
        {
            var (buildingId, category) = plan[sequence];
            try
            {
                var view = await intake.Report(new NewReport(category, $"bench case {sequence}", reporter, Channel.Hotline,
                    new ReportedLocation(buildingId, null, null, null), BenchCaseNumbers.Of(day, sequence)), actor);
                resolveDueTicks[sequence] = view.ResolveDue?.UtcTicks ?? 0;
                Interlocked.Increment(ref registered);
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref failed) == 1)
                {
                    firstFailure = ex.Message;
                }
            }
        });

        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        await stop.CancelAsync();
        await progress;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  submission: {registered:N0} registered in {elapsed.TotalSeconds:F1} s = {registered / elapsed.TotalSeconds:N0} reports/s; {failed:N0} failed{(firstFailure is null ? "" : $" (first: {firstFailure})")}"));
        // CPU per report (registration and dispatch together) says what a machine of one's own would take in.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  submission CPU: this process {cpu.TotalSeconds / elapsed.TotalSeconds:F2} cores busy, {cpu.TotalMilliseconds * 1000 / Math.Max(1, registered):F0} µs of CPU per report"));
        return new SubmissionResult(registered, DateTimeOffset.UtcNow);
    }

    private sealed record EscalationWindow(TimeSpan Wall, TimeSpan Cpu, MachineSummary Machine, bool TimedOut);

    /// <summary>
    /// From the first deadline until every case has escalated (or <paramref name="timeout"/> after the
    /// last deadline): progress every few seconds, and the process's CPU over the whole window.
    /// </summary>
    private static async Task<EscalationWindow> WatchEscalations(EscalationWatch watch, long[] sortedDue, DateTimeOffset firstDue, DateTimeOffset lastDue, TimeSpan timeout, TextWriter output)
    {
        var untilFirst = firstDue - DateTimeOffset.UtcNow;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  deadlines fall due over {(lastDue - firstDue).TotalSeconds:F0} s, the first in {Math.Max(0, untilFirst.TotalSeconds):F0} s"));
        if (untilFirst > TimeSpan.Zero)
        {
            await Task.Delay(untilFirst);
        }

        await using var machine = MachineStats.Start();
        var process = Process.GetCurrentProcess();
        var cpuAtStart = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var giveUpAt = lastDue + timeout;
        var timedOut = false;
        while (watch.Escalated < sortedDue.Length)
        {
            if (DateTimeOffset.UtcNow > giveUpAt)
            {
                timedOut = true;
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
            if (Stopwatch.GetElapsedTime(lastProgress) >= ProgressEvery)
            {
                lastProgress = Stopwatch.GetTimestamp();
                var dueNow = UpperBound(sortedDue, DateTimeOffset.UtcNow.UtcTicks);
                process.Refresh();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  escalating: {dueNow:N0} due, {watch.Escalated:N0} escalated; {(process.TotalProcessorTime - cpuAtStart).TotalSeconds / Stopwatch.GetElapsedTime(started).TotalSeconds:F2} cores busy so far"));
            }
        }

        process.Refresh();
        return new EscalationWindow(Stopwatch.GetElapsedTime(started), process.TotalProcessorTime - cpuAtStart, await machine.StopAsync(), timedOut);
    }

    private static void PrintLateness(TextWriter output, long[] resolveDueTicks, EscalationWatch watch, EscalationWindow window, int registered)
    {
        var lateness = new Percentiles();
        var escalatedAt = watch.EscalatedAtTicks;
        long earliest = long.MaxValue;
        for (var i = 0; i < resolveDueTicks.Length; i++)
        {
            if (resolveDueTicks[i] > 0 && escalatedAt[i] > 0)
            {
                lateness.Add(TimeSpan.FromTicks(escalatedAt[i] - resolveDueTicks[i]));
                earliest = Math.Min(earliest, escalatedAt[i] - resolveDueTicks[i]);
            }
        }

        var summary = lateness.Summarize();
        output.WriteLine($"  lateness (Escalate line − ResolveDue): {summary}");
        if (summary.Count > 0 && earliest < 0)
        {
            output.WriteLine($"  WARNING: some escalations came before their deadline (earliest {TimeSpan.FromTicks(earliest).TotalMilliseconds:F0} ms)");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  not escalated: {registered - summary.Count:N0} of {registered:N0}{(window.TimedOut ? " (gave up waiting)" : "")}; merged {watch.Merged:N0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  CPU over the escalation window ({window.Wall.TotalSeconds:F0} s): this process {window.Cpu.TotalSeconds / window.Wall.TotalSeconds:F2} cores busy "
            + $"({window.Cpu.TotalSeconds / Math.Max(1, summary.Count) * 1e6:F0} µs of CPU per escalation)"));
        window.Machine.Print(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: p99 under {TargetP99Ms / 1000:F0} s with {registered:N0} open cases: {(summary.Count == registered && summary.P99 < TargetP99Ms ? "met" : "NOT met")}"));
    }

    /// <summary>How many of the sorted values are at or below <paramref name="value"/>.</summary>
    private static int UpperBound(long[] sorted, long value)
    {
        var index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index < sorted.Length && sorted[index] == value)
        {
            index++;
        }

        return index;
    }

    private static async Task Progress(Func<string> line, TextWriter output, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                output.WriteLine(line());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
