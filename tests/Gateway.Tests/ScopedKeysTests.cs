using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>
/// Keys limited to an area see and act only inside it (outside is 404, a filter naming another
/// area 403), and reporters' contacts are shown only to the hotline and to operators of the case's area.
/// </summary>
public sealed class ScopedKeysTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string InC01 = "D01-S01-C01-G01-B002";
    private const string InC02 = "D01-S01-C02-G01-B001";

    [Fact]
    public async Task An_operator_of_one_community_reads_its_cases_and_not_another_communitys()
    {
        var mine = await Reports.File(gateway, "sanitation", InC01);
        var other = await Reports.File(gateway, "sanitation", InC02);
        var c01 = gateway.ClientFor(GatewayFactory.OperatorC01);

        var read = await c01.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{mine.Id}", GatewayFactory.Json);
        Assert.Equal("13900000000", read!.Reporters[0].Phone);
        Assert.Equal("Resident Wang", read.Reporters[0].Name);

        var refused = await c01.GetAsync($"/api/v1/incidents/{other.Id}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("13900000000", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_of_one_community_cannot_act_on_another_communitys_case_and_nothing_changes()
    {
        var other = await Reports.File(gateway, "sanitation", InC02);
        var cancel = await gateway.ClientFor(GatewayFactory.OperatorC01)
            .PostAsJsonAsync($"/api/v1/incidents/{other.Id}/cancel", new { reason = "not mine to cancel" });
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);

        var after = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{other.Id}", GatewayFactory.Json);
        Assert.NotEqual(IncidentStatus.Cancelled, after!.Status);
        Assert.DoesNotContain(after.Timeline, t => t.Action == IncidentAction.Cancel);

        // A category and building no other test here reports, so the case is not merged into another as a duplicate.
        var mine = await Reports.File(gateway, "noise", "D01-S01-C01-G02-B003");
        var allowed = await gateway.ClientFor(GatewayFactory.OperatorC01)
            .PostAsJsonAsync($"/api/v1/incidents/{mine.Id}/cancel", new { reason = "resident solved it" });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(IncidentStatus.Cancelled, (await allowed.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!.Status);
    }

    [Fact]
    public async Task A_scoped_operator_ranks_only_the_units_inside_its_area_and_sees_only_its_grids_visit_plans()
    {
        await Reports.File(gateway, "sanitation", InC01);
        await Reports.File(gateway, "sanitation", InC02);
        var c01 = gateway.ClientFor(GatewayFactory.OperatorC01);

        var whole = await Eventually(
            () => gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<Assessment>("/api/v1/assessment?level=community", GatewayFactory.Json),
            a => a!.Units.Any(u => u.Desk == "community:D01-S01-C02") && a.Units.Any(u => u.Desk == "community:D01-S01-C01"), "both communities ranked");
        var scoped = await c01.GetFromJsonAsync<Assessment>("/api/v1/assessment?level=community", GatewayFactory.Json);
        Assert.Equal(["community:D01-S01-C01"], scoped!.Units.Select(u => u.Desk));
        Assert.Equal(1, scoped.Units[0].Rank);
        Assert.True(whole!.Units.Count > 1);
        Assert.Equal(HttpStatusCode.Forbidden, (await c01.GetAsync("/api/v1/assessment?level=department")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await c01.GetAsync("/api/v1/grids/D01-S01-C01-G01/visits")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c01.GetAsync("/api/v1/grids/D01-S01-C02-G01/visits")).StatusCode);
        using var put = await c01.PutAsJsonAsync("/api/v1/grids/D01-S01-C02-G01/visits", new { visits = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
    }

    [Fact]
    public async Task A_scoped_hotline_key_cannot_rate_or_read_a_case_outside_its_community()
    {
        var outside = await Reports.File(gateway, "sanitation", InC01);
        var hotline = gateway.ClientFor(GatewayFactory.HotlineC02);
        Assert.Equal(HttpStatusCode.NotFound, (await hotline.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hotline.PostAsJsonAsync($"/api/v1/incidents/{outside.Id}/rate", new { score = 5 })).StatusCode);
    }

    [Fact]
    public async Task The_register_of_a_scoped_key_holds_only_its_area_and_naming_another_is_403()
    {
        var mine = await Reports.File(gateway, "sanitation", InC01);
        var other = await Reports.File(gateway, "sanitation", InC02);
        var c01 = gateway.ClientFor(GatewayFactory.OperatorC01);

        // The register is a projection of the journal: both cases show within a moment (the city-wide operator sees both).
        await Eventually(
            () => gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentListResponse>("/api/v1/incidents?limit=200", GatewayFactory.Json),
            all => all!.Items.Any(s => s.Id == mine.Id) && all.Items.Any(s => s.Id == other.Id), "both cases in the register");

        var page = await c01.GetFromJsonAsync<IncidentListResponse>("/api/v1/incidents?limit=200", GatewayFactory.Json);
        Assert.Contains(page!.Items, s => s.Id == mine.Id);
        Assert.All(page.Items, s => Assert.Equal("D01-S01-C01", s.Path.CommunityId));

        var wider = await c01.GetFromJsonAsync<IncidentListResponse>("/api/v1/incidents?district=D01&limit=200", GatewayFactory.Json);
        Assert.All(wider!.Items, s => Assert.Equal("D01-S01-C01", s.Path.CommunityId));

        Assert.Equal(HttpStatusCode.Forbidden, (await c01.GetAsync("/api/v1/incidents?community=D01-S01-C02")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/grids/D01-S01-C01-G02/desk", HttpStatusCode.OK)]
    [InlineData("/api/v1/grids/D01-S01-C02-G01/desk", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/desks/community:D01-S01-C01", HttpStatusCode.OK)]
    [InlineData("/api/v1/desks/community:D01-S01-C02", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/desks/street:D01-S01", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/desks/department:POLICE", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/statistics/grid:D01-S01-C01-G01", HttpStatusCode.OK)]
    [InlineData("/api/v1/statistics/community:D01-S01-C01", HttpStatusCode.OK)]
    [InlineData("/api/v1/statistics/community:D01-S01-C02", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/statistics/district:D01", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/statistics/city:demo", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/workers/W000001", HttpStatusCode.OK)]
    [InlineData("/api/v1/workers/W000007", HttpStatusCode.NotFound)]
    public async Task Desks_figures_and_workers_are_seen_only_inside_the_keys_area(string path, HttpStatusCode expected)
    {
        Assert.Equal(expected, (await gateway.ClientFor(GatewayFactory.OperatorC01).GetAsync(path)).StatusCode);
        // Every one of them exists: the city-wide operator reads it.
        Assert.Equal(HttpStatusCode.OK, (await gateway.ClientFor(GatewayFactory.Operator).GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_feed_of_a_scoped_key_follows_its_area_and_another_area_is_403()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var c01 = gateway.ClientFor(GatewayFactory.OperatorC01);
        Assert.Equal(HttpStatusCode.Forbidden, (await c01.GetAsync("/api/v1/feed?area=D01-S01-C02", HttpCompletionOption.ResponseHeadersRead, timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await c01.GetAsync("/api/v1/feed?area=D01", HttpCompletionOption.ResponseHeadersRead, timeout.Token)).StatusCode);

        using var response = await c01.GetAsync("/api/v1/feed", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var outside = await Reports.File(gateway, "sanitation", InC02);
        var inside = await Reports.File(gateway, "sanitation", InC01);

        var seen = new List<IncidentTransition>();
        string? readyArea = null;
        while (!seen.Any(t => t.IncidentId == inside.Id) && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line["data: ".Length..]);
            if (json.RootElement.TryGetProperty("incidentId", out _))
            {
                seen.Add(json.RootElement.Deserialize<IncidentTransition>(GatewayFactory.Json)!);
            }
            else if (json.RootElement.TryGetProperty("area", out var area))
            {
                readyArea = area.GetString();
            }
        }

        Assert.Equal("D01-S01-C01", readyArea);
        Assert.DoesNotContain(seen, t => t.IncidentId == outside.Id);
        Assert.All(seen, t => Assert.Equal("D01-S01-C01", t.Path.CommunityId));
    }

    [Fact]
    public async Task Reporters_are_masked_for_workers_admins_and_operators_of_other_areas_and_shown_to_the_hotline()
    {
        var filed = await Reports.File(gateway, "sanitation", InC02);
        Assert.Equal("13900000000", filed.Reporters[0].Phone);

        async Task<Dispatch.Incidents.Reporter> SeenBy(string key) =>
            (await gateway.ClientFor(key).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{filed.Id}", GatewayFactory.Json))!.Reporters[0];

        Assert.Equal("13900000000", (await SeenBy(GatewayFactory.Hotline)).Phone);
        Assert.Equal("13900000000", (await SeenBy(GatewayFactory.HotlineC02)).Phone);
        Assert.Equal("13900000000", (await SeenBy(GatewayFactory.Operator)).Phone);

        var byAdmin = await SeenBy(GatewayFactory.Admin);
        Assert.Equal("*******0000", byAdmin.Phone);
        Assert.Equal("R************", byAdmin.Name);

        // A worker reporting on patrol gets the case back masked too: contacts are the hotline's.
        var patrol = await gateway.ClientFor(GatewayFactory.Worker1).PostAsJsonAsync("/api/v1/incidents", Reports.Body("sanitation", InC01));
        patrol.EnsureSuccessStatusCode();
        var text = await patrol.Content.ReadAsStringAsync();
        Assert.DoesNotContain("13900000000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Resident Wang", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_are_logged_with_the_keys_id_and_never_the_key()
    {
        var other = await Reports.File(gateway, "sanitation", InC02);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.ClientFor(GatewayFactory.OperatorC01).GetAsync($"/api/v1/incidents/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(GatewayFactory.OperatorC01).GetAsync("/api/v1/incidents?community=D01-S01-C02")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(GatewayFactory.Worker2).GetAsync("/api/v1/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ClientFor("a-key-nobody-has").GetAsync("/api/v1/incidents")).StatusCode);

        var lines = gateway.AccessLogs.Lines;
        Assert.Contains(lines, l => l.Contains("c01-operator", StringComparison.Ordinal) && l.Contains(other.Id, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("c01-operator", StringComparison.Ordinal) && l.Contains("D01-S01-C02", StringComparison.Ordinal) && l.Contains("/api/v1/incidents", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("worker-2", StringComparison.Ordinal) && l.Contains("/api/v1/feed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("not known", StringComparison.Ordinal));
        foreach (var key in new[] { GatewayFactory.OperatorC01, GatewayFactory.Worker2, "a-key-nobody-has" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));
        }
    }
}
