using System.Diagnostics;

namespace Dispatch.Testing;

/// <summary>
/// A tool the tests drive from a Debian package (Chromium, Prometheus' promtool): found on the
/// machine, or installed from the Debian registry when it is missing and the tests run as root, as
/// CI does. Test projects run side by side, so apt-get waits for another's dpkg lock.
/// </summary>
public static class DebianPackage
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>The first of <paramref name="executables"/> that exists, installing <paramref name="package"/> if none does.</summary>
    public static async Task<string> FindOrInstallAsync(string package, params string[] executables)
    {
        if (Find(executables) is { } found)
        {
            return found;
        }

        await Installing.WaitAsync();
        try
        {
            if (Find(executables) is { } installed)
            {
                return installed;
            }

            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"{executables[0]} is missing: run `sudo apt-get install -y {package}` (the tests use the Debian package).");
            }

            await Run("apt-get", "-o DPkg::Lock::Timeout=600 update -qq");
            await Run("apt-get", $"-o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends {package}");
            return Find(executables) ?? throw new InvalidOperationException($"apt-get installed {package}, yet none of {string.Join(", ", executables)} exists.");
        }
        finally
        {
            Installing.Release();
        }
    }

    private static string? Find(string[] executables) => executables.FirstOrDefault(File.Exists);

    private static async Task Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
