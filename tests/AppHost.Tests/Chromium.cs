using Dispatch.Testing;

namespace Dispatch.AppHost.Tests;

/// <summary>The machine's Chromium from the Debian package (Playwright's own browser download cannot work offline).</summary>
public static class Chromium
{
    public static Task<string> FindOrInstallAsync() => DebianPackage.FindOrInstallAsync("chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
}
