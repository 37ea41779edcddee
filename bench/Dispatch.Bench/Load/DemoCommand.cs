using System.Runtime.InteropServices;
using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Bench.Load;

/// <summary>
/// <c>demo</c>: steady traffic on a running gateway until stopped — the demo city's residents
/// report at <c>--rate</c> a second and its workers accept and resolve what reaches them — so an
/// operator has something to watch. Prints running totals every <c>--progress-every</c> seconds
/// and the run's figures when stopped (Ctrl-C, or SIGTERM as the Aspire AppHost's Stop sends).
/// </summary>
public static class DemoCommand
{
    /// <summary>Every case is remembered for the run's figures; far above this a demo is a load test (use <c>load</c>).</summary>
    private const double MaxRate = 200;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var url = args.OptionalString("url");
        var hotlineKey = args.OptionalString("hotline-key");
        var adminKey = args.OptionalString("admin-key");
        var rate = args.Double("rate", 5);
        var progressEvery = args.Seconds("progress-every", 10);
        var city = CityArgs.From(args);
        args.RejectUnknown();
        if (url is null || hotlineKey is null || adminKey is null)
        {
            throw new ArgumentException("demo needs --url (a running gateway), --hotline-key and --admin-key.");
        }

        if (rate is <= 0 or > MaxRate || double.IsNaN(rate))
        {
            throw new ArgumentException($"--rate is reports per second, above 0 and at most {MaxRate:N0}.");
        }

        using var stop = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var system = DispatchSystem.Existing(new Uri(url), hotlineKey, adminKey, OrleansEndpoint.Localhost(30000));
        Console.WriteLine($"[demo] putting the grid workers of the demo city ({CityArgs.Describe(city)}) on duty at {system.Http}");
        await LoadSettings.PutGridWorkersOnDutyAsync(system, city, stop.Token);
        Console.WriteLine($"[demo] {rate:N1} reports/s until stopped");

        await using var target = new HttpTarget(system.Http, hotlineKey, adminKey, $"HTTP to {system.Http}");
        // A seed of its own: a demo started again must not repeat the reports of the last one, which would be merged into its cases still open.
        var mix = new ReportMix(new DemoCityGenerator(city).Buildings(), CategoryCatalog.Default, duplicateShare: 0.05, seed: Environment.TickCount);
        var options = new LoadRunOptions(LoadShape.Steady(rate), Timeout.InfiniteTimeSpan, MaxInFlight: 5_000,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), ClosedLoopConcurrency: 0)
        {
            Drain = TimeSpan.FromSeconds(5),
            ProgressEvery = progressEvery,
        };
        var result = await LoadDriver.RunAsync(target, mix, options, CancellationToken.None, stop.Token);
        result.Print(Console.Out);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.WriteLine("[demo] stopping: waiting for the answers and assignments on their way");
            stop.Cancel();
        }
    }
}
