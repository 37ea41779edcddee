namespace Dispatch.Bench.Load;

public static class CompareCommand
{
    public static Task<int> RunAsync(BenchArgs args) => throw new NotImplementedException();
}
