using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>A gateway with a tight rate limit: 3 requests at once, then 1 a second, per key.</summary>
public sealed class RateLimitedGatewayFactory : GatewayFactory
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Gateway:RateLimit:PermitsPerSecond"] = "1";
        settings["Gateway:RateLimit:Burst"] = "3";
    }
}

public sealed class RateLimitTests(RateLimitedGatewayFactory gateway) : IClassFixture<RateLimitedGatewayFactory>
{
    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_other_keys_are_unaffected()
    {
        var greedy = gateway.ClientFor(GatewayFactory.Hotline);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await greedy.GetAsync("/api/v1/catalog");
            statuses.Add(response.StatusCode);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(", ", statuses));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, (await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/catalog")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.CreateClient().GetAsync("/health")).StatusCode);
    }
}

public sealed class Open311RateLimitTests(RateLimitedGatewayFactory gateway) : IClassFixture<RateLimitedGatewayFactory>
{
    [Fact]
    public async Task An_open311_client_over_its_rate_gets_429_as_the_specifications_error_array()
    {
        var client = gateway.CreateClient();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await client.GetAsync("/open311/v2/services.json");
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        using var errors = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(429, errors.RootElement[0].GetProperty("code").GetInt32());
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }
}

public sealed class FrontDoorTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Health_reports_the_loaded_map_and_alive_needs_nothing()
    {
        var client = gateway.CreateClient();
        using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));
        Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(4, health.RootElement.GetProperty("checks").GetProperty("cluster").GetProperty("data").GetProperty("grids").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_api_and_its_key_header()
    {
        using var document = JsonDocument.Parse(await gateway.CreateClient().GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/incidents", "/api/v1/incidents/{id}/accept", "/api/v1/grids/{gridId}/desk", "/api/v1/statistics/{key}", "/api/v1/catalog", "/api/v1/feed" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var page = await gateway.CreateClient().GetStringAsync("/api/");
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);

        // The page's script is served by the gateway itself: the API page works without the internet.
        var script = await gateway.CreateClient().GetAsync("/api/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task The_desk_and_statistics_show_a_new_case()
    {
        var filed = await Reports.File(gateway, "sanitation", "D01-S01-C02-G02-B003");
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);

        var desk = await Eventually(
            () => operatorClient.GetFromJsonAsync<Desks.GridDesk>("/api/v1/grids/D01-S01-C02-G02/desk", GatewayFactory.Json),
            d => d!.OpenCases.Any(c => c.IncidentId == filed.Id), $"the grid desk to show {filed.Id}");
        var entry = Assert.Single(desk!.OpenCases, c => c.IncidentId == filed.Id);
        Assert.NotNull(entry.ResolveDue);
        Assert.Equal(3, desk.Roster.Count);

        // Figures come from the register, which follows the journal within moments.
        var street = await Eventually(
            () => operatorClient.GetFromJsonAsync<Apis.StatisticsResponse>("/api/v1/statistics/street:D01-S01", GatewayFactory.Json),
            s => s!.Statistics.Open >= 1, "the street's figures to count the case");
        Assert.Equal("street:D01-S01", street!.Desk);
        var grid = await operatorClient.GetFromJsonAsync<Apis.StatisticsResponse>("/api/v1/statistics/grid:D01-S01-C02-G02", GatewayFactory.Json);
        Assert.True(street.Statistics.Open >= grid!.Statistics.Open);
    }
}
