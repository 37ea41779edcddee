namespace Dispatch.Bench.Postgres;

/// <summary>Not written yet.</summary>
public static class PgBenchCommand
{
    public static Task<int> RunAsync(BenchArgs args) => throw new NotImplementedException();
}
