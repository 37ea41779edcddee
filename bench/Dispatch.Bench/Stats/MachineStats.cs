using System.Diagnostics;
using System.Globalization;

namespace Dispatch.Bench.Stats;

/// <summary>
/// Watches the machine while a run lasts: CPU busy share over all cores (from <c>/proc/stat</c>),
/// memory in use (MemTotal − MemAvailable), the peak resident memory of the processes whose
/// command line names one of <see cref="Watched"/> (silos, gateway, PostgreSQL), plus this one, and
/// the CPU time each of those groups used (from <c>/proc/PID/stat</c>).
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
    private readonly Dictionary<int, (string Group, long Ticks)> _ticksAtStart;
    private long _peakUsedBytes;

    /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    private MachineStats()
    {
        _cpuAtStart = ReadCpu();
        _ticksAtStart = ProcessTicks();
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
        var cpuSeconds = new Dictionary<string, double>();
        foreach (var (pid, (group, ticks)) in ProcessTicks())
        {
            // A process started during the run (a PostgreSQL backend) counts whole.
            var before = _ticksAtStart.TryGetValue(pid, out var start) ? start.Ticks : 0;
            cpuSeconds[group] = cpuSeconds.GetValueOrDefault(group) + ((ticks - before) / TicksPerSecond);
        }

        lock (_peakRss)
        {
            return new MachineSummary(Environment.ProcessorCount, busy, own, _peakUsedBytes,
                _peakRss.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(), cpuSeconds);
        }
    }

    /// <summary>CPU ticks (user + system) so far of every watched process and this one, by group.</summary>
    private static Dictionary<int, (string Group, long Ticks)> ProcessTicks()
    {
        var result = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc"))
        {
            return result;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var group = pid == Environment.ProcessId ? "bench"
                    : Watched.FirstOrDefault(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains) switch
                    {
                        "Dispatch.Silo" => "silos",
                        "Dispatch.Gateway" => "gateway",
                        "postgres" => "postgres",
                        _ => null,
                    };
                if (group is null)
                {
                    continue;
                }

                // The command name in field 2 may hold spaces: the fields that follow start after its ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                result[pid] = (group, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
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

/// <param name="CpuSeconds">CPU time used during the run by group: silos, gateway, postgres, bench.</param>
public sealed record MachineSummary(int Cores, double CpuBusy, double BenchCpu, long PeakUsedBytes, IReadOnlyDictionary<string, long> PeakRss,
    IReadOnlyDictionary<string, double> CpuSeconds)
{
    /// <summary>CPU seconds of everything but the bench: what the system under test spent.</summary>
    public double SystemCpuSeconds => CpuSeconds.Where(c => c.Key != "bench").Sum(c => c.Value);

    public void Print(TextWriter output, long reports = 0)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  machine: {Cores} cores, CPU busy {CpuBusy:P0} (the bench itself {BenchCpu:P0}), memory in use at peak {Mib(PeakUsedBytes)}"));
        if (reports > 0 && CpuSeconds.Count > 0)
        {
            var groups = string.Join(", ", CpuSeconds.Where(c => c.Key != "bench").OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value * 1000 / reports:F2} ms")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  CPU per report: {SystemCpuSeconds * 1000 / reports:F2} ms ({groups}; the bench's own {CpuSeconds.GetValueOrDefault("bench") * 1000 / reports:F2} ms not counted)"));
        }

        foreach (var (name, bytes) in PeakRss)
        {
            output.WriteLine($"    peak RSS {name}: {Mib(bytes)}");
        }
    }

    public static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):N0} MiB");
}
