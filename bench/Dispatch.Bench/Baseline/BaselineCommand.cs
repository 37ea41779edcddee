namespace Dispatch.Bench.Baseline;

/// <summary>Not written yet.</summary>
public static class BaselineCommand
{
    public static Task<int> RunAsync(BenchArgs args) => throw new NotImplementedException();
}
