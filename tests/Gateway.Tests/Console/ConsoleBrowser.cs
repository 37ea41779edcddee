using Dispatch.Testing;
using Microsoft.Playwright;

namespace Dispatch.Gateway.Tests.Console;

/// <summary>
/// Headless Chromium from the Debian package (installed when missing, as CI runs as root) driven by
/// Playwright — Playwright's own browser download cannot work offline — with a fresh profile, and
/// screenshots saved under <c>TestResults/console</c> beside the test binaries.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "console");

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private ConsoleBrowser(IPlaywright playwright, IBrowserContext context, string profile, string origin)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
        Origin = origin;
    }

    public IBrowserContext Context { get; }

    public string Origin { get; }

    public static async Task<ConsoleBrowser> LaunchAsync(int port)
    {
        var chromium = await DebianPackage.FindOrInstallAsync("chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        // A CJK font, so that the screenshots show the Chinese labels (the page itself needs none).
        await DebianPackage.FindOrInstallAsync("fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
        Directory.CreateDirectory(Screenshots);
        var profile = Directory.CreateTempSubdirectory("dispatch-console-chromium-").FullName;
        var playwright = await Playwright.CreateAsync();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = chromium,
            Headless = true,
            // As root (CI) Chromium has no sandbox; the rest keep it off this machine's closed network.
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new() { Width = 1500, Height = 950 },
        });
        // Two busy cores (test projects run side by side): be patient, but never sleep.
        context.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        return new ConsoleBrowser(playwright, context, profile, $"http://127.0.0.1:{port}");
    }

    /// <summary>A new tab (its own sessionStorage, so its own sign-in) signed in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(string key, int width = 1500, int height = 950)
    {
        var page = await Context.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync($"{Origin}/console");
        await page.GetByLabel("API key").FillAsync(key);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        return page;
    }

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png") });

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of its profile; it is a temporary folder.
        }
    }
}
