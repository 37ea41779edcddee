namespace Dispatch.Bench.Scale;

/// <summary>Not written yet.</summary>
public static class ScaleCommand
{
    public static Task<int> RunAsync(BenchArgs args) => throw new NotImplementedException();
}
