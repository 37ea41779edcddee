namespace Dispatch.AppHost.Tests;

/// <summary>
/// The processes an AppHost run started, read from /proc: the orchestrator (dcp) watching this test
/// process (<c>--monitor PID</c>, which detaches from it) and everything below it — PostgreSQL, the
/// silos, the gateway. Zombies are not counted: they hold nothing but a process table entry.
/// </summary>
internal static class ProcessTree
{
    public static IReadOnlyList<(int Pid, string Command)> StartedBy(int monitoredPid)
    {
        var processes = Live().ToList();
        var marker = $"--monitor {monitoredPid}";
        var found = processes.Where(p => p.Command.Contains("dcp", StringComparison.Ordinal) && p.Command.Contains(marker, StringComparison.Ordinal))
            .Select(p => p.Pid)
            .ToHashSet();
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var process in processes.Where(p => found.Contains(p.ParentPid) && !found.Contains(p.Pid)))
            {
                grew |= found.Add(process.Pid);
            }
        }

        return processes.Where(p => found.Contains(p.Pid)).Select(p => (p.Pid, p.Command)).ToList();
    }

    public static IReadOnlyList<(int Pid, string Command)> StillAlive(IEnumerable<(int Pid, string Command)> processes)
    {
        var live = Live().Select(p => p.Pid).ToHashSet();
        return processes.Where(p => live.Contains(p.Pid)).ToList();
    }

    private static IEnumerable<(int Pid, int ParentPid, string Command)> Live()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat, command;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
                command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue; // ended while being read
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z" || fields[0] == "X")
            {
                continue;
            }

            yield return (pid, int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), command);
        }
    }
}
