using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Dispatch.Testing;
using Dispatch.Tests.Postgres;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dispatch.AppHost.Tests;

/// <summary>
/// What an operator sees: the AppHost, given an existing PostgreSQL by connection string, with its
/// dashboard signed into with the login token in a real browser (the Debian package's Chromium,
/// driven by Playwright): the resources, the gateway's links, the <c>Dispatch</c> metrics of the
/// demo traffic, and the Orleans dashboard behind the admin sign-in. Screenshots are saved beside
/// the test binaries.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string AdminKey = "dashboard-test-admin-key-0123456789";

    [Fact]
    public async Task An_operator_signs_into_the_dashboard_and_finds_the_silos_the_gateway_and_the_dispatch_metrics()
    {
        var chromium = await Chromium.FindOrInstallAsync();
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        // PostgreSQL as an existing server (the AppHost's third way; the other test runs its own binaries).
        var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var login = new DashboardLoginWatcher();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [
                    $"--ConnectionStrings:dispatch={await postgres.CreateDatabaseAsync("dispatch")}",
                    $"--Parameters:admin-key={AdminKey}",
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
                await LookAround(app, page, signIn, screenshots, timeout.Token);
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
            await postgres.DisposeAsync();
        }
    }

    /// <summary>
    /// Signs in, finds every resource and the gateway's links, starts the demo traffic, watches the
    /// Dispatch meter's figures arrive for silo 1, and opens the Orleans dashboard from the gateway's
    /// link with the admin key; a screenshot of each.
    /// </summary>
    private static async Task LookAround(DistributedApplication app, IPage page, Uri signIn, string screenshots, CancellationToken cancellationToken)
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

        foreach (var resource in new[] { "silo-2", "silo-3", "gateway", "migrate", "demo-traffic" })
        {
            await page.GetByText(resource, new() { Exact = true }).First.WaitForAsync();
        }

        await page.GetByText("Orleans dashboard", new() { Exact = true }).First.WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "dashboard-resources.png"), FullPage = true });

        // The silos' figures arrive over OTLP; a histogram is listed once it has a measurement. Every
        // silo hosts some of the 500 grid desks, so silo 1 records dispatches of the demo traffic.
        await AppHostTests.DemoTrafficStartsAsync(app, rate: 10, cancellationToken);
        await page.GotoAsync($"{dashboard}/metrics/resource/silo-1");
        await page.GetByText("dispatch.case.dispatch.duration", new() { Exact = true }).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GotoAsync($"{dashboard}/metrics/resource/silo-1?meter=Dispatch&instrument=dispatch.case.dispatch.duration");
        await page.GetByText("Time from a case's registration to its dispatch to a worker").First.WaitForAsync();
        await page.WaitForTimeoutAsync(5_000); // the chart draws after its first data poll
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "dashboard-dispatch-metrics.png"), FullPage = true });

        // The gateway's link to the Orleans dashboard asks for an admin key once.
        var orleans = $"{app.GetEndpoint("gateway", "http")}orleans-dashboard/";
        await page.GotoAsync(orleans);
        await page.GetByLabel("API key").FillAsync(AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(orleans);
        // The page's own data calls ride on the sign-in cookie, as its scripts' calls do.
        var counters = await page.APIRequest.GetAsync($"{orleans}DashboardCounters");
        Assert.Equal(200, counters.Status);
        Assert.Contains("json", counters.Headers["content-type"], StringComparison.Ordinal);
        await page.WaitForTimeoutAsync(5_000); // its first figures arrive after a poll or two
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "orleans-dashboard.png"), FullPage = true });
    }
}
