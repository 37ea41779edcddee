namespace Dispatch.Bench.Load;

/// <summary>
/// How many reports a second the generator offers at each moment: a base rate with bursts of
/// <see cref="BurstFactor"/> times it (a storm, a burst water main) every <see cref="BurstEvery"/>,
/// each lasting <see cref="BurstLength"/>.
/// </summary>
public sealed record LoadShape(double BaseRate, double BurstFactor, TimeSpan BurstEvery, TimeSpan BurstLength)
{
    public static LoadShape Steady(double rate) => new(rate, 1, TimeSpan.Zero, TimeSpan.Zero);

    public bool HasBursts => BurstFactor > 1 && BurstEvery > TimeSpan.Zero && BurstLength > TimeSpan.Zero;

    /// <summary>The offered rate at <paramref name="elapsed"/> since the start; bursts begin one period in.</summary>
    public double RateAt(TimeSpan elapsed)
    {
        if (!HasBursts || elapsed < BurstEvery)
        {
            return BaseRate;
        }

        var intoPeriod = TimeSpan.FromTicks(elapsed.Ticks % BurstEvery.Ticks);
        return intoPeriod < BurstLength ? BaseRate * BurstFactor : BaseRate;
    }

    public override string ToString() => HasBursts
        ? $"{BaseRate:N0}/s with ×{BurstFactor:N0} bursts of {BurstLength.TotalSeconds:N0} s every {BurstEvery.TotalSeconds:N0} s"
        : $"{BaseRate:N0}/s steady";
}
