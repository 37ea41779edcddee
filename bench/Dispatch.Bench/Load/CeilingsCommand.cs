using System.Diagnostics;
using System.Globalization;
using Dispatch.Bench.Stats;
using Dispatch.Territory;

namespace Dispatch.Bench.Load;

/// <summary>Calls per second of one kind, closed loop, with their latency.</summary>
public sealed record CeilingResult(string Name, int Concurrency, TimeSpan Duration, long Calls, long Errors, LatencySummary Latency, MachineSummary Machine)
{
    public double Rate => Calls / Duration.TotalSeconds;

    public void Print(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[ceiling] {Name}: {Rate:N0} calls/s ({Calls:N0} in {Duration.TotalSeconds:N0} s, {Concurrency} in flight, {Errors:N0} errors); latency {Latency}"));
        Machine.Print(output);
    }
}

/// <summary>
/// <c>ceilings</c>: the engine's limits on this machine, against the same running Dispatch — raw grain
/// calls through an Orleans client (a building's Get: one grain call, no storage), and the gateway's
/// ceiling, an HTTP request that makes exactly that one grain call.
/// </summary>
public static class CeilingsCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = LoadSettings.From(args);
        var duration = args.Seconds("duration", 20);
        var grainConcurrency = args.Int("grain-concurrency", 512);
        var httpConcurrency = args.Int("http-concurrency", 64);
        args.RejectUnknown();

        await using var system = await settings.StartAsync(CancellationToken.None);
        foreach (var result in await MeasureAsync(system, settings.City, duration, grainConcurrency, httpConcurrency, CancellationToken.None))
        {
            result.Print(Console.Out);
        }

        return 0;
    }

    public static async Task<IReadOnlyList<CeilingResult>> MeasureAsync(DispatchSystem system, DemoCityOptions city, TimeSpan duration, int grainConcurrency, int httpConcurrency, CancellationToken cancellationToken)
    {
        var buildings = new DemoCityGenerator(city).Buildings().Select(b => b.Id).ToArray();

        await using var orleans = await OrleansTarget.ConnectAsync(system.Orleans, "ceiling", cancellationToken);
        var grains = orleans.Grains;
        var grainCalls = await ClosedLoopAsync($"grain calls through an Orleans client ({system.Description})", grainConcurrency, duration,
            () => grains.GetGrain<IBuildingGrain>(buildings[Random.Shared.Next(buildings.Length)]).Get(), cancellationToken);

        await using var http = new HttpTarget(system.Http, system.HotlineKey, system.AdminKey, "ceiling");
        var httpCalls = await ClosedLoopAsync($"HTTP GET of a building through the gateway ({system.Description})", httpConcurrency, duration,
            () => http.GetBuildingAsync(buildings[Random.Shared.Next(buildings.Length)], cancellationToken), cancellationToken);
        return [grainCalls, httpCalls];
    }

    /// <summary>Keeps <paramref name="concurrency"/> calls in flight for a warm-up and then for <paramref name="duration"/>.</summary>
    private static async Task<CeilingResult> ClosedLoopAsync(string name, int concurrency, TimeSpan duration, Func<Task> call, CancellationToken cancellationToken)
    {
        await Loop(concurrency, TimeSpan.FromSeconds(3), call, null, cancellationToken);
        var latency = new Percentiles();
        await using var machine = MachineStats.Start();
        var (calls, errors) = await Loop(concurrency, duration, call, latency, cancellationToken);
        return new CeilingResult(name, concurrency, duration, calls, errors, latency.Summarize(), await machine.StopAsync());
    }

    private static async Task<(long Calls, long Errors)> Loop(int concurrency, TimeSpan duration, Func<Task> call, Percentiles? latency, CancellationToken cancellationToken)
    {
        long calls = 0, errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call();
                    Interlocked.Increment(ref calls);
                    // One sample in 16 keeps the recorder from becoming the bottleneck at hundreds of thousands a second.
                    if (latency is not null && (calls & 15) == 0)
                    {
                        latency.Add(Stopwatch.GetElapsedTime(started));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (calls, errors);
    }
}
