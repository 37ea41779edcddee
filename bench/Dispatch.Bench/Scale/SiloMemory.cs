using System.Globalization;
using Dispatch.Bench.Stats;

namespace Dispatch.Bench.Scale;

/// <summary>
/// The silo's memory at one moment: the managed heap after a full, compacting collection (what is
/// really held), the process's resident memory and its peak, and the activations per grain type.
/// </summary>
public sealed record SiloMemory(long HeapBytes, long RssBytes, long PeakRssBytes, IReadOnlyDictionary<string, int> Activations)
{
    public static async Task<SiloMemory> TakeAsync(IManagementGrain management)
    {
        var activations = await ActivationsAsync(management);
        var heap = LiveHeapBytes();
        var (rss, peak) = ResidentMemory();
        return new SiloMemory(heap, rss, peak, activations);
    }

    /// <summary>Activations per grain class (short name, such as <c>GridGrain</c>), from the management grain.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> ActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .GroupBy(s => ClassName(s.GrainType), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);

    /// <summary>The statistics name grain types as <c>Namespace.Class,Assembly</c>; the class is enough here.</summary>
    private static string ClassName(string grainType)
    {
        var type = grainType.Split(',')[0];
        return type[(type.LastIndexOf('.') + 1)..];
    }

    public int ActivationsOf(string grainType) => Activations.GetValueOrDefault(grainType);

    public static long LiveHeapBytes()
    {
        // Twice, so objects kept alive only by finalizers are gone too.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Current and peak resident set size (VmRSS, VmHWM), from <c>/proc/self/status</c>.</summary>
    public static (long Rss, long Peak) ResidentMemory()
    {
        long rss = Environment.WorkingSet, peak = 0;
        if (!File.Exists("/proc/self/status"))
        {
            return (rss, rss);
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiloBytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiloBytes(line) * 1024;
            }
        }

        return (rss, Math.Max(peak, rss));
    }

    public void Print(TextWriter output, string title)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {title}: GC heap after full collection {MachineSummary.Mib(HeapBytes)}, RSS {MachineSummary.Mib(RssBytes)} (peak {MachineSummary.Mib(PeakRssBytes)})"));
        output.WriteLine("    activations: " + string.Join(", ", Activations
            .Where(a => a.Value > 0)
            .OrderByDescending(a => a.Value)
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key} {a.Value:N0}"))));
    }

    /// <summary>"VmRSS:\t  123456 kB": the number is padded with spaces after a tab, and not padded at all from 8 digits on.</summary>
    private static long KiloBytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
