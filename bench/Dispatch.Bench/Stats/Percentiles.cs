using System.Globalization;

namespace Dispatch.Bench.Stats;

/// <summary>Collects samples (milliseconds) from many threads and answers percentiles over all of them.</summary>
public sealed class Percentiles
{
    private readonly List<double> _samples = [];

    public int Count
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_samples)
        {
            _samples.Add(milliseconds);
        }
    }

    public void Add(TimeSpan elapsed) => Add(elapsed.TotalMilliseconds);

    public LatencySummary Summarize()
    {
        double[] sorted;
        lock (_samples)
        {
            sorted = [.. _samples];
        }

        Array.Sort(sorted);
        return sorted.Length == 0
            ? new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN)
            : new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P99, double Max, double Mean)
{
    public override string ToString() => Count == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {Format(P50)}  p99 {Format(P99)}  max {Format(Max)}  ({Count:N0} samples)");

    public static string Format(double ms) => ms >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F2} s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms:F1} ms");
}
