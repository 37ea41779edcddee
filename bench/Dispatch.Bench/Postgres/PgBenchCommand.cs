namespace Dispatch.Bench.Postgres;

/// <summary>
/// <c>pgbench [--clients 32] [--duration 30]</c>: PostgreSQL's single-row commit ceiling on a
/// throwaway server of this machine, the bound under any design that writes each change through it.
/// </summary>
public static class PgBenchCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var clients = args.Int("clients", 32);
        var duration = args.Seconds("duration", 30);
        args.RejectUnknown();

        await using var server = await ThrowawayPostgres.StartAsync("dispatch", CancellationToken.None);
        Console.WriteLine($"[pgbench] throwaway PostgreSQL on 127.0.0.1:{server.Port} ({server.BinDirectory}), fsync and synchronous_commit on");
        var result = await PgBench.RunAsync(server, clients, duration, CancellationToken.None);
        result.Print(Console.Out);
        return 0;
    }
}
