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
/// and gateway ceilings; its maximum sustained report rate (closed loop) while counting the
/// PostgreSQL connections it holds; its latency at half that rate; pgbench with that many clients
/// on a throwaway server of its own; the baseline's maximum and its latency at half its maximum.
/// </summary>
public static class CompareCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = LoadSettings.From(args) with { System = "cluster" };
        var options = LoadDriver.OptionsFrom(args);
        var concurrency = args.Int("concurrency-max", 64);
        var baselineConnections = args.Int("connections", 32);
        var warmup = args.Seconds("warmup", 10);
        args.RejectUnknown();
        var cancellationToken = CancellationToken.None;
        var maxOptions = options with { ClosedLoopConcurrency = concurrency };

        IReadOnlyList<CeilingResult> ceilings;
        LoadResult dispatchMax, dispatchHalf;
        int connectionsHeld;
        await using (var system = await settings.StartAsync(cancellationToken))
        {
            ceilings = await CeilingsCommand.MeasureAsync(system, settings.City, options.Duration / 3, 512, 64, cancellationToken);
            foreach (var ceiling in ceilings)
            {
                ceiling.Print(Console.Out);
            }

            await using var target = await settings.ConnectAsync(system, cancellationToken);
            await using (var connections = ConnectionCounter.Start(system.PostgresConnection!))
            {
                dispatchMax = await LoadCommand.RunWithWarmupAsync(target, settings, maxOptions, warmup, cancellationToken);
                connectionsHeld = await connections.StopAsync();
            }

            dispatchMax.Print(Console.Out);
            dispatchHalf = await LoadCommand.RunWithWarmupAsync(target, settings, Steady(options, dispatchMax.SustainedRate / 2), TimeSpan.Zero, cancellationToken);
            dispatchHalf.Print(Console.Out);
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

        PrintRatios(Console.Out, ceilings, dispatchMax, dispatchHalf, connectionsHeld, pgbench, baselineMax.Load, baselineHalf.Load);
        return 0;
    }

    private static LoadRunOptions Steady(LoadRunOptions options, double rate) =>
        options with { Shape = LoadShape.Steady(Math.Max(1, rate)), ClosedLoopConcurrency = 0 };

    private static async Task<string> FreshDatabase(ThrowawayPostgres server, CancellationToken cancellationToken) =>
        await server.CreateDatabaseAsync($"baseline_{Guid.NewGuid():N}", cancellationToken);

    private static void PrintRatios(TextWriter output, IReadOnlyList<CeilingResult> ceilings, LoadResult max, LoadResult half, int connections,
        PgBenchResult pgbench, LoadResult baselineMax, LoadResult baselineHalf)
    {
        string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
        var grain = ceilings[0].Rate;
        var gateway = ceilings[1].Rate;
        output.WriteLine();
        output.WriteLine("[compare] side by side (same machine, one run)");
        output.WriteLine(Line($"  engine ceiling, grain calls/s (Orleans client):       {grain,12:N0}"));
        output.WriteLine(Line($"  gateway ceiling, one-grain-call requests/s (HTTP):    {gateway,12:N0}   = {gateway / grain:P1} of the engine ceiling"));
        output.WriteLine(Line($"  PostgreSQL single-row commits/s ({connections} clients):       {pgbench.Tps,12:N0}"));
        output.WriteLine(Line($"  Dispatch cluster, reports/s sustained (max):          {max.SustainedRate,12:N1}   = {max.SustainedRate / gateway:P1} of the gateway ceiling, {max.SustainedRate / pgbench.Tps:P1} of the PostgreSQL ceiling"));
        output.WriteLine(Line($"  baseline, reports/s sustained (max):                  {baselineMax.SustainedRate,12:N1}   Dispatch / baseline = {max.SustainedRate / baselineMax.SustainedRate:N2}x"));
        output.WriteLine(Line($"  report -> assigned p99 at half the max rate: Dispatch {LatencySummaryText(half)} ({half.SustainedRate:N0}/s), baseline {LatencySummaryText(baselineHalf)} ({baselineHalf.SustainedRate:N0}/s)"));
        output.WriteLine(Line($"  errors: Dispatch {max.ErrorCount + half.ErrorCount:N0}, baseline {baselineMax.ErrorCount + baselineHalf.ErrorCount:N0}"));
    }

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
