using Dispatch.Bench.Baseline;
using Dispatch.Bench.Load;
using Dispatch.Bench.Postgres;
using Dispatch.Bench.Scale;
using Dispatch.Bench.Territory;

namespace Dispatch.Bench;

/// <summary>The bench's commands. Each prints its figures; none asserts anything.</summary>
public static class BenchCommands
{
    private static readonly Dictionary<string, (string Summary, Func<BenchArgs, Task<int>> Run)> Commands = new()
    {
        ["load"] = ("drive Dispatch with the report mix (embedded or cluster; HTTP or Orleans client)", LoadCommand.RunAsync),
        ["ceilings"] = ("raw grain calls/s through an Orleans client, and one-grain-call HTTP requests/s through the gateway", CeilingsCommand.RunAsync),
        ["pgbench"] = ("PostgreSQL's single-row commit ceiling with pgbench on a throwaway server", PgBenchCommand.RunAsync),
        ["baseline"] = ("the database-centric peer dispatcher under the same report mix", BaselineCommand.RunAsync),
        ["compare"] = ("everything side by side in one run, as ratios", CompareCommand.RunAsync),
        ["scale"] = ("load a province-sized city into one silo: load time and memory per grain type", ScaleCommand.RunAsync),
        ["demo"] = ("steady demo traffic on a running gateway until stopped, with running totals (the AppHost's demo-traffic resource)", DemoCommand.RunAsync),
        ["escalation"] = ("many open cases with deadlines minutes apart: escalation lateness and its CPU", EscalationCommand.RunAsync),
        ["territory-import"] = ("a province-sized GeoJSON territory read, checked and imported into one silo, step by step", TerritoryImportCommand.RunAsync),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine("usage: Dispatch.Bench <command> [--option value ...]   (docs/benchmarks.md lists the options)");
            foreach (var (name, (summary, _)) in Commands)
            {
                Console.Error.WriteLine($"  {name,-11} {summary}");
            }

            return 2;
        }

        try
        {
            return await command.Run(new BenchArgs(args[1..]));
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        catch (InvalidOperationException ex)
        {
            // A missing build, a missing PostgreSQL, a system that did not start: the message says which.
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }
}
