using System.Globalization;
using Dispatch.Bench.Baseline;
using Dispatch.Bench.Load;
using Dispatch.Bench.Postgres;
using Dispatch.Catalog;
using Npgsql;

namespace Dispatch.Bench;

/// <summary>
/// <c>compare</c>: one run that puts Dispatch's cluster mode beside the limits of this machine and
/// beside the database-centric baseline, and prints the ratios. In order: the cluster's grain-call
/// and gateway ceilings; its maximum sustained report rate (closed loop) through HTTP while counting
/// the PostgreSQL connections it holds, and through an Orleans client, each with the journal events
/// appended per second; its latency at half each maximum; pgbench with as many clients as Dispatch
/// held connections, on a throwaway server of its own; the baseline's maximum and its latency at
/// half its maximum; CPU per report of each.
/// </summary>
public static class CompareCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = LoadSettings.From(args) with { System = "cluster" };
        var options = LoadDriver.OptionsFrom(args);
        var concurrency = args.Int("concurrency-max", 64);
        var orleansConcurrency = args.Int("concurrency-orleans", 256);
        var baselineConnections = args.Int("connections", 32);
        var warmup = args.Seconds("warmup", 10);
        args.RejectUnknown();
        var cancellationToken = CancellationToken.None;
        var maxOptions = options with { ClosedLoopConcurrency = concurrency };

        IReadOnlyList<CeilingResult> ceilings;
        DispatchFigures http, orleans;
        int connectionsHeld;
        await using (var system = await settings.StartAsync(cancellationToken))
        {
            ceilings = await CeilingsCommand.MeasureAsync(system, settings.City, options.Duration / 3, 512, 64, cancellationToken);
            foreach (var ceiling in ceilings)
            {
                ceiling.Print(Console.Out);
            }

            await using (var connections = ConnectionCounter.Start(system.PostgresConnection!))
            {
                http = await MeasureAsync(system, settings with { Via = "http" }, options, maxOptions, warmup, cancellationToken);
                connectionsHeld = await connections.StopAsync();
            }

            orleans = await MeasureAsync(system, settings with { Via = "orleans" }, options, options with { ClosedLoopConcurrency = orleansConcurrency }, warmup, cancellationToken);
        }

        PgBenchResult pgbench;
        BaselineRunResult baselineMax, baselineHalf;
        await using (var server = await ThrowawayPostgres.StartAsync("compare", cancellationToken))
        {
            pgbench = await PgBench.RunAsync(server, Math.Max(1, connectionsHeld), options.Duration, cancellationToken);
            pgbench.Print(Console.Out);

            var baseline = new BaselineSettings(settings.City, settings.Duplicates, baselineConnections, TimeSpan.FromSeconds(1), CategoryCatalog.Default);
            baselineMax = await BaselineRun.RunAsync(server, baseline, maxOptions, cancellationToken);
            baselineMax.Print(Console.Out);
            baselineHalf = await BaselineRun.RunAsync(await FreshDatabase(server, cancellationToken), baseline, Steady(options, baselineMax.Load.SustainedRate / 2), cancellationToken);
            baselineHalf.Print(Console.Out);
        }

        PrintRatios(Console.Out, ceilings, http, orleans, connectionsHeld, pgbench, baselineMax.Load, baselineHalf.Load);
        return 0;
    }

    /// <summary>One way in: the maximum (closed loop, after a warm-up), the journal events it appended per second, and a steady run at half of it.</summary>
    private static async Task<DispatchFigures> MeasureAsync(
        DispatchSystem system, LoadSettings settings, LoadRunOptions options, LoadRunOptions maxOptions, TimeSpan warmup, CancellationToken cancellationToken)
    {
        await using var target = await settings.ConnectAsync(system, cancellationToken);
        var mix = settings.Mix();
        if (warmup > TimeSpan.Zero)
        {
            await LoadDriver.RunAsync(target, mix, options with { Shape = LoadShape.Steady(100), Duration = warmup, ClosedLoopConcurrency = 0, Drain = TimeSpan.FromSeconds(1) }, cancellationToken);
        }

        var eventsBefore = await JournalRows(system.PostgresConnection!, cancellationToken);
        var max = await LoadDriver.RunAsync(target, mix, maxOptions, cancellationToken);
        var events = await JournalRows(system.PostgresConnection!, cancellationToken) - eventsBefore;
        max.Print(Console.Out);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  journal events appended: {events:N0} = {events / max.Duration.TotalSeconds:N0}/s ({(double)events / Math.Max(1, max.Acknowledged):N1} per report, acceptances and results included)"));
        var half = await LoadDriver.RunAsync(target, mix, Steady(options, max.SustainedRate / 2), cancellationToken);
        half.Print(Console.Out);
        return new DispatchFigures(max, half, events / max.Duration.TotalSeconds);
    }

    /// <summary>Rows in the journal so far (a run's events are the difference; the drain after a run counts in the next).</summary>
    private static async Task<long> JournalRows(string connection, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connection);
        await using var command = source.CreateCommand("SELECT count(*) FROM dispatch_journal");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private sealed record DispatchFigures(LoadResult Max, LoadResult Half, double EventsPerSecond);

    private static LoadRunOptions Steady(LoadRunOptions options, double rate) =>
        options with { Shape = LoadShape.Steady(Math.Max(1, rate)), ClosedLoopConcurrency = 0 };

    private static async Task<string> FreshDatabase(ThrowawayPostgres server, CancellationToken cancellationToken) =>
        await server.CreateDatabaseAsync($"baseline_{Guid.NewGuid():N}", cancellationToken);

    private static void PrintRatios(TextWriter output, IReadOnlyList<CeilingResult> ceilings, DispatchFigures http, DispatchFigures orleans, int connections,
        PgBenchResult pgbench, LoadResult baselineMax, LoadResult baselineHalf)
    {
        string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
        var grain = ceilings[0].Rate;
        var gateway = ceilings[1].Rate;
        var baseline = baselineMax.SustainedRate;
        output.WriteLine();
        output.WriteLine("[compare] side by side (same machine, one run)");
        output.WriteLine(Line($"  engine ceiling, grain calls/s (Orleans client):       {grain,12:N0}"));
        output.WriteLine(Line($"  gateway ceiling, one-grain-call requests/s (HTTP):    {gateway,12:N0}   = {gateway / grain:P1} of the engine ceiling"));
        output.WriteLine(Line($"  PostgreSQL single-row commits/s ({connections} clients):       {pgbench.Tps,12:N0}"));
        foreach (var (via, figures) in new[] { ("HTTP", http), ("Orleans client", orleans) })
        {
            var max = figures.Max;
            output.WriteLine(Line($"  Dispatch via {via,-14}, reports/s sustained (max): {max.SustainedRate,10:N1}   = {max.SustainedRate / baseline:N2}x the baseline; journal events/s {figures.EventsPerSecond:N0} = {figures.EventsPerSecond / pgbench.Tps:N2}x pgbench's commits/s"));
            output.WriteLine(Line($"    at half that ({figures.Half.SustainedRate:N0}/s): registered -> assigned p50 {Stats.LatencySummary.Format(figures.Half.Assign.P50)}, p99 {LatencySummaryText(figures.Half)}; CPU per report {CpuPerReport(max)} at the max"));
        }

        output.WriteLine(Line($"  baseline, reports/s sustained (max):                  {baseline,12:N1}   CPU per report {CpuPerReport(baselineMax)}"));
        output.WriteLine(Line($"    at half that ({baselineHalf.SustainedRate:N0}/s): registered -> assigned p99 {LatencySummaryText(baselineHalf)}"));
        output.WriteLine(Line($"  errors: Dispatch {http.Max.ErrorCount + http.Half.ErrorCount + orleans.Max.ErrorCount + orleans.Half.ErrorCount:N0}, baseline {baselineMax.ErrorCount + baselineHalf.ErrorCount:N0}"));
    }

    /// <summary>CPU of the system under test (silos, gateway, PostgreSQL; not the bench) per acknowledged report.</summary>
    private static string CpuPerReport(LoadResult result) =>
        result.Acknowledged == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{result.Machine.SystemCpuSeconds * 1000 / result.Acknowledged:F2} ms");

    private static string LatencySummaryText(LoadResult result) => Stats.LatencySummary.Format(result.Assign.P99);

    /// <summary>Counts the connections Dispatch holds open to its database, at the peak, once a second.</summary>
    private sealed class ConnectionCounter : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<int> _counting;

        private ConnectionCounter(string connection) => _counting = Count(connection, _stop.Token);

        public static ConnectionCounter Start(string connection) => new(connection);

        public async Task<int> StopAsync()
        {
            await _stop.CancelAsync();
            return await _counting;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private static async Task<int> Count(string connection, CancellationToken cancellationToken)
        {
            await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = 1 }.ConnectionString);
            var peak = 0;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await using var command = source.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
                    peak = Math.Max(peak, Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture));
                    await Task.Delay(1000, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            return peak;
        }
    }
}
