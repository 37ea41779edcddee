using System.Diagnostics.Metrics;

namespace Dispatch;

/// <summary>
/// The live figures behind the <c>Dispatch</c> meter's gauges. Desks add to the queue length as
/// cases start and stop waiting (one interlocked add, no lock); open and overdue cases come from
/// <see cref="Telemetry.CaseCountCache"/>, which the silo hands in when it starts.
/// </summary>
public static class CaseGauges
{
    private static long _waiting;
    private static Telemetry.CaseCountCache? _counts;

    /// <summary>Cases waiting for dispatch on the active desks of this process.</summary>
    public static long Waiting => Interlocked.Read(ref _waiting);

    internal static void AddWaiting(long delta)
    {
        if (delta != 0)
        {
            Interlocked.Add(ref _waiting, delta);
        }
    }

    internal static void Use(Telemetry.CaseCountCache counts) => _counts = counts;

    internal static void Release(Telemetry.CaseCountCache counts) => Interlocked.CompareExchange(ref _counts, null, counts);

    internal static Measurement<long> ObserveWaiting() => new(Waiting);

    internal static IEnumerable<Measurement<long>> ObserveOpen() =>
        _counts?.Read() is { } figures ? [new Measurement<long>(figures.Open)] : [];

    internal static IEnumerable<Measurement<long>> ObserveOverdue() =>
        _counts?.Read() is { } figures ? [new Measurement<long>(figures.Overdue)] : [];
}
