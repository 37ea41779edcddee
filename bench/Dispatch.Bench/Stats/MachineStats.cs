using System.Diagnostics;
using System.Globalization;

namespace Dispatch.Bench.Stats;

/// <summary>
/// Watches the machine while a run lasts: CPU busy share over all cores (from <c>/proc/stat</c>),
/// memory in use (MemTotal − MemAvailable), and the peak resident memory of the processes whose
/// command line names one of <see cref="Watched"/> (silos, gateway, PostgreSQL), plus this one.
/// </summary>
public sealed class MachineStats : IAsyncDisposable
{
    public static readonly string[] Watched = ["Dispatch.Gateway", "Dispatch.Silo", "postgres"];

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly (long Busy, long Total) _cpuAtStart;
    private readonly TimeSpan _ownCpuAtStart;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Dictionary<string, long> _peakRss = [];
    private long _peakUsedBytes;

    private MachineStats()
    {
        _cpuAtStart = ReadCpu();
        _ownCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        _sampling = SampleAsync(_stop.Token);
    }

    public static MachineStats Start() => new();

    public async Task<MachineSummary> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Sample();
        var cpu = ReadCpu();
        var busy = cpu.Total == _cpuAtStart.Total ? 0 : (double)(cpu.Busy - _cpuAtStart.Busy) / (cpu.Total - _cpuAtStart.Total);
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var own = (Process.GetCurrentProcess().TotalProcessorTime - _ownCpuAtStart).TotalSeconds / elapsed.TotalSeconds / Environment.ProcessorCount;
        lock (_peakRss)
        {
            return new MachineSummary(Environment.ProcessorCount, busy, own, _peakUsedBytes,
                _peakRss.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await tick.WaitForNextTickAsync(cancellationToken))
        {
            Sample();
        }
    }

    private void Sample()
    {
        var used = UsedMemoryBytes();
        var rss = ProcessRss();
        lock (_peakRss)
        {
            _peakUsedBytes = Math.Max(_peakUsedBytes, used);
            foreach (var (name, bytes) in rss)
            {
                _peakRss[name] = Math.Max(_peakRss.GetValueOrDefault(name), bytes);
            }
        }
    }

    /// <summary>Busy and total jiffies over all cores.</summary>
    private static (long Busy, long Total) ReadCpu()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }

    private static long UsedMemoryBytes()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return 0;
        }

        long total = 0, available = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = KiloBytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = KiloBytes(line);
            }
        }

        return (total - available) * 1024;
    }

    /// <summary>Resident memory per watched process, named by what matched plus the pid (postgres: summed).</summary>
    private static Dictionary<string, long> ProcessRss()
    {
        var result = new Dictionary<string, long>
        {
            ["bench (this process)"] = Environment.WorkingSet,
        };
        if (!Directory.Exists("/proc"))
        {
            return result;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var match = Watched.FirstOrDefault(w => cmdline.Contains(w, StringComparison.Ordinal));
                if (match is null)
                {
                    continue;
                }

                var rssLine = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (rssLine is null)
                {
                    continue;
                }

                // PostgreSQL is many processes sharing buffers; their sum overstates it, so it is named as a group.
                var name = match == "postgres" ? "postgres (sum of processes)" : $"{match} (pid {pid})";
                result[name] = result.GetValueOrDefault(name) + KiloBytes(rssLine) * 1024;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    /// <summary>"VmRSS:\t  123456 kB": a tab, then spaces that vanish from 8 digits on.</summary>
    private static long KiloBytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

public sealed record MachineSummary(int Cores, double CpuBusy, double BenchCpu, long PeakUsedBytes, IReadOnlyDictionary<string, long> PeakRss)
{
    public void Print(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  machine: {Cores} cores, CPU busy {CpuBusy:P0} (the bench itself {BenchCpu:P0}), memory in use at peak {Mib(PeakUsedBytes)}"));
        foreach (var (name, bytes) in PeakRss)
        {
            output.WriteLine($"    peak RSS {name}: {Mib(bytes)}");
        }
    }

    public static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):N0} MiB");
}
