using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dispatch.Gateway.Tests.Console;

/// <summary>
/// The operator console at /console in a real browser against the embedded gateway on a loopback
/// port: each role's screen, and one report from the hotline's form through the map, the feed, the
/// worker's phone and the operator's case view to the resident's rating.
/// </summary>
public sealed class ConsoleBrowserTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>, IAsyncLifetime
{
    private const string FirstGrid = "D01-S01-C01-G01";
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync(gateway.Port);

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task Each_role_signs_in_to_its_own_screen_and_an_unknown_key_is_refused()
    {
        var expectedGrids = (await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<MapAnswer>("/api/v1/territory/map"))!.Grids.Count;

        foreach (var key in new[] { GatewayFactory.Operator, GatewayFactory.Admin })
        {
            var console = await _browser.SignInAsync(key);
            await Expect(console.Locator("#operator-view")).ToBeVisibleAsync();
            // Every grid of the map is drawn, and each can be reached by keyboard from the desk list.
            await Expect(console.Locator("#city-map")).ToHaveAttributeAsync("data-grids", expectedGrids.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(console.Locator("#grid-pick option")).ToHaveCountAsync(expectedGrids + 1);
            await Expect(console.Locator("#feed")).ToHaveAttributeAsync("data-state", "connected");
            await Expect(console.Locator("#hotline-view")).ToBeHiddenAsync();
            await ConsoleBrowser.ShotAsync(console, key == GatewayFactory.Admin ? "admin-console" : "operator-console");
            await console.CloseAsync();
        }

        var hotline = await _browser.SignInAsync(GatewayFactory.Hotline);
        await Expect(hotline.Locator("#hotline-view")).ToBeVisibleAsync();
        await Expect(hotline.Locator("#operator-view")).ToBeHiddenAsync();
        // The category picker names each category in Chinese and English.
        await Expect(hotline.GetByLabel("Category", new() { Exact = true })).ToContainTextAsync("环境卫生 / Environmental sanitation");
        await Expect(hotline.Locator("#intake-map")).ToHaveAttributeAsync("data-grids", expectedGrids.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A click on the map gives the location as that point, and names the grid that holds it.
        var point = await hotline.EvaluateAsync<double[]>($"() => {{ const p = window.dispatchMap.screenPointOf('{FirstGrid}'); return [p.x, p.y]; }}");
        await hotline.Mouse.ClickAsync((float)point[0], (float)point[1]);
        await Expect(hotline.Locator("#point-found")).ToHaveTextAsync(FirstGrid);
        await Expect(hotline.GetByLabel("Longitude")).Not.ToBeEmptyAsync();
        await hotline.CloseAsync();

        var worker = await _browser.SignInAsync(GatewayFactory.Worker2, 390, 844);
        await Expect(worker.Locator("#worker-view")).ToBeVisibleAsync();
        await Expect(worker.Locator("#duty-state")).ToContainTextAsync("W000002");
        await Expect(worker.Locator("#operator-view")).ToBeHiddenAsync();
        await worker.CloseAsync();

        var stranger = await _browser.SignInAsync("not-a-key");
        await Expect(stranger.Locator("#problem")).ToBeVisibleAsync();
        await Expect(stranger.Locator("#sign-in-view")).ToBeVisibleAsync();
        await stranger.CloseAsync();
    }

    [Fact]
    public async Task A_report_from_the_intake_form_is_lit_on_the_map_and_in_the_feed_and_worked_to_its_rating_on_the_screens()
    {
        // Only W000001 of the first grid on duty, so the desk gives the report to them.
        foreach (var other in new[] { "W000002", "W000003" })
        {
            var off = await gateway.ClientFor(GatewayFactory.WorkerKeys[other]).PutAsJsonAsync($"/api/v1/workers/{other}/duty", new { onDuty = false });
            off.EnsureSuccessStatusCode();
        }

        var phone = await _browser.SignInAsync(GatewayFactory.Worker1, 390, 844);
        await Expect(phone.Locator("#duty-state")).ToContainTextAsync("W000001");
        if (await phone.Locator("#duty-state").GetAttributeAsync("data-on-duty") != "true")
        {
            await phone.GetByRole(AriaRole.Button, new() { Name = "Go on duty" }).ClickAsync();
        }

        await Expect(phone.Locator("#duty-state")).ToHaveAttributeAsync("data-on-duty", "true");

        var console = await _browser.SignInAsync(GatewayFactory.Operator);
        await Expect(console.Locator("#feed")).ToHaveAttributeAsync("data-state", "connected");

        // The hotline takes the call.
        var hotline = await _browser.SignInAsync(GatewayFactory.Hotline);
        await hotline.GetByLabel("Category", new() { Exact = true }).SelectOptionAsync("sanitation");
        await hotline.GetByLabel("What happened").FillAsync("Rubbish piled up at the gate of building 1");
        await hotline.GetByLabel("Caller's name").FillAsync("Wang");
        await hotline.GetByLabel("Caller's phone").FillAsync("13900000001");
        // The caller says the address: the hotline searches by a part of it and picks the building.
        var building = await gateway.ClientFor(GatewayFactory.Hotline).GetFromJsonAsync<JsonElement>($"/api/v1/territory/buildings/{FirstGrid}-B001");
        var address = building.GetProperty("building").GetProperty("address").GetString()!;
        await hotline.GetByLabel("Search by address").FillAsync(address[..^1]);
        await hotline.Locator($"#building-results button[data-building='{FirstGrid}-B001']").ClickAsync();
        await Expect(hotline.GetByLabel("Building id")).ToHaveValueAsync($"{FirstGrid}-B001");
        await Expect(hotline.Locator("#building-found")).ToContainTextAsync(FirstGrid);
        await hotline.GetByRole(AriaRole.Button, new() { Name = "Register report" }).ClickAsync();
        await Expect(hotline.Locator("#intake-case")).ToHaveTextAsync(new Regex(@"^\d{8}-\w+$"));
        var caseId = await hotline.Locator("#intake-case").TextContentAsync() ?? "";
        await Expect(hotline.Locator("#earlier")).ToContainTextAsync(caseId);
        await ConsoleBrowser.ShotAsync(hotline, "hotline-intake");

        // The operator sees it in the feed and lit on the map, and finds it on the grid's desk by clicking the grid.
        await Expect(console.Locator($"#feed-list li[data-case='{caseId}']").First).ToBeVisibleAsync();
        await console.WaitForFunctionAsync($"() => (window.dispatchMap.load.get('{FirstGrid}')?.open ?? 0) >= 1");
        var centre = await console.EvaluateAsync<double[]>($"() => {{ const p = window.dispatchMap.screenPointOf('{FirstGrid}'); return [p.x, p.y]; }}");
        await console.Mouse.ClickAsync((float)centre[0], (float)centre[1]);
        await Expect(console.Locator("#desk-body h3")).ToContainTextAsync(FirstGrid);
        await Expect(console.Locator("#desk-cases")).ToContainTextAsync(caseId);
        await ConsoleBrowser.ShotAsync(console, "operator-desk");

        // Closing a case nobody has worked on is refused: the problem's message is shown.
        await console.Locator("#desk-cases").GetByRole(AriaRole.Button, new() { Name = caseId }).ClickAsync();
        await Expect(console.Locator("#case-status")).ToHaveAttributeAsync("data-status", "Dispatched");
        await console.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(console.Locator("#problem")).ToContainTextAsync("not allowed");
        await ConsoleBrowser.ShotAsync(console, "operator-refused");

        // The worker takes it on the phone screen: accept, the call to the resident, a note, the result.
        var card = phone.Locator($"article[data-case='{caseId}']");
        await Expect(card).ToBeVisibleAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(card).ToHaveAttributeAsync("data-status", "Accepted");
        await Expect(card.Locator(".contact-due")).ToContainTextAsync("Contact the resident by");
        await card.Locator("textarea").FillAsync("called the resident: crew on the way");
        await ConsoleBrowser.ShotAsync(phone, "worker-phone-contact");
        await card.GetByRole(AriaRole.Button, new() { Name = "Resident contacted" }).ClickAsync();
        await Expect(card.Locator(".contact-due")).ToHaveCountAsync(0);
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Resident contacted" })).ToHaveCountAsync(0);
        await phone.Locator($"article[data-case='{caseId}'] textarea").FillAsync("cleaning crew called");
        await phone.Locator($"article[data-case='{caseId}']").GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await ConsoleBrowser.ShotAsync(phone, "worker-phone");
        await phone.Locator($"article[data-case='{caseId}'] textarea").FillAsync("rubbish removed, bins added");
        await phone.Locator($"article[data-case='{caseId}']").GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();

        // The operator's case view follows the feed; supervise, verify and close there.
        await Expect(console.Locator("#case-status")).ToHaveAttributeAsync("data-status", "Resolved");
        await console.GetByLabel("Reason or note").FillAsync("督办: residents called twice");
        await console.GetByRole(AriaRole.Button, new() { Name = "Supervise" }).ClickAsync();
        await Expect(console.Locator("#case-body .timeline")).ToContainTextAsync("督办: residents called twice");
        await console.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Expect(console.Locator("#case-status")).ToHaveAttributeAsync("data-status", "Verified");
        await console.GetByLabel("Reason or note").FillAsync("resolved locally");
        await console.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(console.Locator("#case-status")).ToHaveAttributeAsync("data-status", "Closed");
        await Expect(console.Locator("#problem")).ToBeHiddenAsync();
        await Expect(console.Locator("#case-body .timeline")).ToContainTextAsync("cleaning crew called");
        await ConsoleBrowser.ShotAsync(console, "operator-case");

        // The closed case leaves the map's load; the hotline records the follow-up rating.
        await console.WaitForFunctionAsync($"() => !window.dispatchConsole.cases.has('{caseId}')");
        await Expect(hotline.Locator("#rating-case")).ToHaveValueAsync(caseId);
        await hotline.GetByLabel("Score (1–5)").SelectOptionAsync("5");
        await hotline.GetByLabel("Comment").FillAsync("quick and polite");
        await hotline.GetByRole(AriaRole.Button, new() { Name = "Record rating" }).ClickAsync();
        await Expect(hotline.Locator("#rating-result")).ToContainTextAsync("Rated");

        // The month's assessment ranks the case's community with its rating counted.
        await console.GetByRole(AriaRole.Tab, new() { Name = "Statistics" }).ClickAsync();
        var community = console.Locator("#rankings table[data-level='community'] tbody tr", new() { HasText = "(D01-S01-C01)" });
        await Expect(community).ToBeVisibleAsync();
        await Expect(console.Locator("#rankings table[data-level='community'] thead")).ToContainTextAsync("Satisfaction rate");
        await Expect(console.Locator("#rankings table[data-level='street'] tbody tr", new() { HasText = "(D01-S01)" })).ToBeVisibleAsync();
        await ConsoleBrowser.ShotAsync(console, "operator-rankings");

        // The same screen in Chinese, switched in place.
        await console.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();
        await Expect(console.Locator("#rankings table[data-level='community'] thead")).ToContainTextAsync("满意率");
        await Expect(console.GetByRole(AriaRole.Tab, new() { Name = "统计" })).ToBeVisibleAsync();
        await ConsoleBrowser.ShotAsync(console, "operator-rankings-zh");
    }

    private sealed record MapAnswer(List<object> Grids);
}
