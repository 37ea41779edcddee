using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Dispatch.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dispatch.AppHost.Tests;

/// <summary>
/// What an operator sees: the AppHost with its dashboard, signed into with the login token in a
/// real browser (the Debian package's Chromium, driven by Playwright), showing the silos, the
/// gateway and the system's own <c>Dispatch</c> metrics. Screenshots are saved beside the test binaries.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_operator_signs_into_the_dashboard_and_finds_the_silos_the_gateway_and_the_dispatch_metrics()
    {
        var chromium = await Chromium.FindOrInstallAsync();
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var data = Path.Combine(Path.GetTempPath(), $"dispatch-dashboard-test-{Guid.NewGuid():N}");
        var login = new DashboardLoginWatcher();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [
                    "--Dispatch:AppHost:Postgres=local",
                    $"--Dispatch:AppHost:PostgresData={data}",
                    "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                ],
                (options, _) => options.DisableDashboard = false,
                timeout.Token);
            builder.Configuration["ASPIRE_INTERACTIVITY_ENABLED"] = "false";
            builder.Services.AddLogging(logging => logging.AddProvider(login));

            await using var app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = chromium,
                Headless = true,
                // Root (as CI runs) has no user namespace sandbox for Chromium.
                Args = ["--no-sandbox"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
            // The dashboard renders in the browser; on two busy cores (the suite runs test projects side by side) that takes a while.
            page.SetDefaultTimeout(180_000);

            var signIn = await login.LoginUrl.WaitAsync(TimeSpan.FromMinutes(1), timeout.Token);
            try
            {
                await LookAround(page, signIn, screenshots);
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "dashboard-failure.png"), FullPage = true });
                throw;
            }

            output.WriteLine($"screenshots in {screenshots}");

            await app.StopAsync(timeout.Token);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>Signs in, finds every resource, then the Dispatch meter's instruments of silo 1; a screenshot of each.</summary>
    private static async Task LookAround(IPage page, Uri signIn, string screenshots)
    {
        var dashboard = signIn.GetLeftPart(UriPartial.Authority);
        await page.GotoAsync(signIn.ToString());
        // On a busy machine the dashboard's first page can fail to reach the AppHost's resource service
        // ("An unhandled error has occurred. Reload"): reload, as an operator would, a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.GetByText("silo-1", new() { Exact = true }).First.WaitForAsync(new() { Timeout = 60_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                await page.ReloadAsync();
            }
        }

        foreach (var resource in new[] { "silo-2", "silo-3", "gateway", "migrate" })
        {
            await page.GetByText(resource, new() { Exact = true }).First.WaitForAsync();
        }

        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "dashboard-resources.png"), FullPage = true });

        // The silos export the Dispatch meter over OTLP; the meter's tree lists an instrument once its
        // first export arrived (its gauges exist from the silo's start).
        await page.GotoAsync($"{dashboard}/metrics/resource/silo-1");
        await page.GetByText("dispatch.desk.queue.length", new() { Exact = true }).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GotoAsync($"{dashboard}/metrics/resource/silo-1?meter=Dispatch&instrument=dispatch.desk.queue.length");
        await page.GetByText("Cases waiting for dispatch on the active desks of this silo").First.WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "dashboard-dispatch-metrics.png"), FullPage = true });
    }
}
