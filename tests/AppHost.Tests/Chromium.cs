using System.Diagnostics;

namespace Dispatch.AppHost.Tests;

/// <summary>
/// The machine's Chromium from the Debian package (Playwright's own browser download cannot work
/// offline). Installed from the Debian registry when it is missing and the tests run as root, as CI does.
/// </summary>
public static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static async Task<string> FindOrInstallAsync()
    {
        if (Find() is { } found)
        {
            return found;
        }

        await Installing.WaitAsync();
        try
        {
            if (Find() is { } installed)
            {
                return installed;
            }

            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException("Chromium is not installed: run `sudo apt-get install -y chromium` (the browser tests drive the Debian package).");
            }

            await Run("apt-get", "update -qq");
            await Run("apt-get", "install -y -qq --no-install-recommends chromium");
            return Find() ?? throw new InvalidOperationException("apt-get installed chromium, yet no chromium executable was found.");
        }
        finally
        {
            Installing.Release();
        }
    }

    private static string? Find() => Candidates.FirstOrDefault(File.Exists);

    private static async Task Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
