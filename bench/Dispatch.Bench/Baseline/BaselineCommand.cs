using Dispatch.Bench.Load;
using Dispatch.Bench.Postgres;

namespace Dispatch.Bench.Baseline;

/// <summary>
/// <c>baseline</c>: the database-centric peer dispatcher under the same report mix as Dispatch, on a
/// throwaway PostgreSQL, or with <c>--pg "Host=...;Database=..."</c> on an existing database (its
/// <c>baseline</c> schema is dropped and created again). Options: the city's (<c>--grids</c>...),
/// <c>--duplicates</c>, <c>--connections</c>, <c>--scan-every</c>, <c>--catalog</c>, and the load driver's.
/// </summary>
public static class BaselineCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = BaselineSettings.From(args);
        var options = LoadDriver.OptionsFrom(args);
        var existing = args.OptionalString("pg");
        args.RejectUnknown();

        Console.WriteLine($"[baseline] {CityArgs.Describe(settings.City)}; {settings.Duplicates:P0} repeats; pool of {settings.Connections} connections; deadline scan every {settings.ScanEvery.TotalSeconds:0.###} s; {options.Describe()}");
        BaselineRunResult result;
        if (existing is not null)
        {
            result = await BaselineRun.RunAsync(existing, settings, options, CancellationToken.None);
        }
        else
        {
            await using var server = await ThrowawayPostgres.StartAsync("baseline", CancellationToken.None);
            Console.WriteLine($"[baseline] throwaway PostgreSQL on 127.0.0.1:{server.Port}, fsync and synchronous_commit on");
            result = await BaselineRun.RunAsync(server.ConnectionString, settings, options, CancellationToken.None);
        }

        result.Print(Console.Out);
        return 0;
    }
}
