namespace Dispatch.Desks;

/// <summary>
/// Counters for one desk or area. Sums rather than means are kept so areas roll up exactly;
/// the means and rates are derived.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseStatistics")]
public sealed record CaseStatistics
{
    public static CaseStatistics Empty { get; } = new();

    [Id(0)] public int Open { get; init; }
    [Id(1)] public int Overdue { get; init; }
    /// <summary>Open cases that the clock has escalated.</summary>
    [Id(2)] public int Escalated { get; init; }
    [Id(3)] public long Closed { get; init; }
    /// <summary>Closed cases whose result came in before the resolve deadline.</summary>
    [Id(4)] public long ClosedOnTime { get; init; }
    [Id(5)] public long Accepted { get; init; }
    [Id(6)] public long AcceptTicks { get; init; }
    [Id(7)] public long Resolved { get; init; }
    [Id(8)] public long ResolveTicks { get; init; }
    [Id(9)] public long Rated { get; init; }
    [Id(10)] public long RatingTotal { get; init; }
    /// <summary>Results that failed verification and were sent back (返工).</summary>
    [Id(11)] public long Reworked { get; init; }
    [Id(12)] public long Escalations { get; init; }
    [Id(13)] public long Cancelled { get; init; }
    [Id(14)] public long Merged { get; init; }
    /// <summary>Open cases parked (挂账) until a review: out of the overdue figures.</summary>
    [Id(15)] public int Parked { get; init; }
    /// <summary>Open reports held for an on-site check (核实) before filing: no resolve clock runs, so never overdue.</summary>
    [Id(20)] public int AwaitingConfirmation { get; init; }
    /// <summary>Reports the on-site check did not confirm: ended, and counted in no rate.</summary>
    [Id(21)] public long Unconfirmed { get; init; }

    public double? OnTimeRate => Closed == 0 ? null : (double)ClosedOnTime / Closed;

    public TimeSpan? MeanTimeToAccept => Accepted == 0 ? null : TimeSpan.FromTicks(AcceptTicks / Accepted);

    public TimeSpan? MeanTimeToResolve => Resolved == 0 ? null : TimeSpan.FromTicks(ResolveTicks / Resolved);

    public double? MeanRating => Rated == 0 ? null : (double)RatingTotal / Rated;

    public CaseStatistics Add(CaseStatistics other) => new()
    {
        Open = Open + other.Open,
        Overdue = Overdue + other.Overdue,
        Escalated = Escalated + other.Escalated,
        Closed = Closed + other.Closed,
        ClosedOnTime = ClosedOnTime + other.ClosedOnTime,
        Accepted = Accepted + other.Accepted,
        AcceptTicks = AcceptTicks + other.AcceptTicks,
        Resolved = Resolved + other.Resolved,
        ResolveTicks = ResolveTicks + other.ResolveTicks,
        Rated = Rated + other.Rated,
        RatingTotal = RatingTotal + other.RatingTotal,
        Reworked = Reworked + other.Reworked,
        Escalations = Escalations + other.Escalations,
        Cancelled = Cancelled + other.Cancelled,
        Merged = Merged + other.Merged,
        Parked = Parked + other.Parked,
        AwaitingConfirmation = AwaitingConfirmation + other.AwaitingConfirmation,
        Unconfirmed = Unconfirmed + other.Unconfirmed,
    };
}
