using System.Net.Http.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static Dispatch.Testing.Polling;
using static Microsoft.Playwright.Assertions;

namespace Dispatch.Gateway.Tests.Console;

/// <summary>The gateway behind Kestrel with the domain clock in the test's hand.</summary>
public sealed class KestrelClockGatewayFactory : KestrelGatewayFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(new DispatchTime(Clock))));
    }
}

/// <summary>A case whose deadlines passed is on the console's overdue and escalated lists and lights its grid red.</summary>
public sealed class ConsoleDeadlineTests(KestrelClockGatewayFactory gateway) : IClassFixture<KestrelClockGatewayFactory>, IAsyncLifetime
{
    private const string Grid = "D01-S01-C02-G01";
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync(gateway.Port);

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task A_case_past_its_deadlines_is_listed_overdue_and_escalated_and_its_grid_is_red()
    {
        var filed = await Reports.File(gateway, "sanitation", $"{Grid}-B001");
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var dispatched = await Eventually(() => operatorClient.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{filed.Id}", GatewayFactory.Json),
            v => v!.Status == IncidentStatus.Dispatched, $"{filed.Id} to be dispatched");

        // The domain clock, not a sleep: a minute past the case's last deadline (as the restart test does).
        gateway.Clock.Advance(dispatched!.ResolveDue!.Value - gateway.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        await Eventually(() => operatorClient.GetFromJsonAsync<IncidentListResponse>($"/api/v1/incidents?overdue=true&grid={Grid}", GatewayFactory.Json),
            l => l!.Items.Any(i => i.Id == filed.Id && i.EscalatedTo is not null), $"the register to list {filed.Id} as overdue and escalated");

        var console = await _browser.SignInAsync(GatewayFactory.Operator);
        await Expect(console.Locator("#totals")).ToContainTextAsync("Overdue 1 · Escalated 1");
        await console.WaitForFunctionAsync($"() => window.dispatchMap.colourOf('{Grid}') === LoadColours[4].colour");
        await console.GetByRole(Microsoft.Playwright.AriaRole.Tab, new() { Name = "Overdue & escalated" }).ClickAsync();
        await Expect(console.Locator("#overdue-list")).ToContainTextAsync(filed.Id);
        await Expect(console.Locator("#escalated-list")).ToContainTextAsync(filed.Id);
        await Expect(console.Locator("#escalated-list h5")).ToContainTextAsync("Community");
        await ConsoleBrowser.ShotAsync(console, "operator-overdue-escalated");

        // The list's case opens in the case view with the escalation on its timeline.
        await console.Locator("#escalated-list").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = filed.Id }).ClickAsync();
        await Expect(console.Locator("#case-body .timeline")).ToContainTextAsync("Escalate");
    }
}
