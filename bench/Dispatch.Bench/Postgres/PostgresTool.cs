using System.Diagnostics;

namespace Dispatch.Bench.Postgres;

/// <summary>
/// Runs PostgreSQL's command-line tools. PostgreSQL refuses to run as root, so when this process
/// is root (as CI is) every tool runs as the <c>postgres</c> user through <c>runuser</c>, as
/// <c>scripts/cluster</c> does.
/// </summary>
public static class PostgresTool
{
    public static bool RunningAsRoot { get; } = Environment.UserName == "root";

    /// <summary>The binaries folder of the installed PostgreSQL, from <c>pg_config --bindir</c>.</summary>
    public static async Task<string> FindBinDirectoryAsync(CancellationToken cancellationToken)
    {
        string output;
        try
        {
            output = await RunAsync("pg_config", ["--bindir"], asPostgres: false, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "pg_config was not found on PATH: install PostgreSQL 15 (Debian/Ubuntu: apt-get install postgresql-15 postgresql-contrib) to run this command.", ex);
        }

        var bin = output.Trim();
        return Directory.Exists(bin)
            ? bin
            : throw new InvalidOperationException($"pg_config --bindir names '{bin}', which does not exist.");
    }

    /// <summary>The command line as it will run, for printing (arguments with spaces are quoted).</summary>
    public static string CommandLine(string program, IReadOnlyList<string> arguments, bool asPostgres) =>
        string.Join(' ', Line(program, arguments, asPostgres).Select(Quote));

    /// <summary>Runs a tool to its end and returns its standard output; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var line = Line(program, arguments, asPostgres);
        var start = new ProcessStartInfo(line[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in line.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        var errors = await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{string.Join(' ', line.Select(Quote))} failed with exit code {process.ExitCode}:\n{output}{errors}");
    }

    private static List<string> Line(string program, IReadOnlyList<string> arguments, bool asPostgres) =>
        asPostgres && RunningAsRoot ? ["runuser", "-u", "postgres", "--", program, .. arguments] : [program, .. arguments];

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or ';' or '$') ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
