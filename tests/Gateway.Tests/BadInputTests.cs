using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dispatch.Desks;
using Dispatch.Gateway.Apis;

namespace Dispatch.Gateway.Tests;

/// <summary>Every refusal is problem+json naming what was wrong, and stores nothing.</summary>
public sealed class BadInputTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private Task<HttpResponseMessage> PostRaw(string path, string json) =>
        gateway.ClientFor(GatewayFactory.Operator).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("{\"category\":", "category")]
    [InlineData("{\"category\":\"noise\",\"location\":{\"longitude\":\"east\"}}", "location.longitude")]
    [InlineData("{\"category\":\"noise\",\"channel\":\"Fax\"}", "channel")]
    [InlineData("[1,2]", "body")]
    public async Task Unreadable_json_is_400_naming_the_field(string json, string field)
    {
        var problem = await Problem(await PostRaw("/api/v1/incidents", json), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"location\":{\"buildingId\":\"D01-S01-C01-G01-B001\"}}", "category")]
    [InlineData("{\"category\":\"noise\",\"reporter\":{\"name\":\"a\"},\"location\":{\"buildingId\":\"D01-S01-C01-G01-B001\"}}", "description")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"location\":{\"buildingId\":\"D01-S01-C01-G01-B001\"}}", "reporter.name")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"}}", "location")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"location\":{\"longitude\":200,\"latitude\":30}}", "location.longitude")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"location\":{\"longitude\":120}}", "location")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"location\":{\"address\":\"nowhere 1\"}}", "location.address")]
    public async Task An_invalid_report_is_422_naming_the_field_and_stores_nothing(string json, string field)
    {
        var before = await Statistics();

        var problem = await Problem(await PostRaw("/api/v1/incidents", json), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(before, await Statistics());
    }

    [Fact]
    public async Task Invalid_action_bodies_are_422_and_leave_the_case_as_it_was()
    {
        var filed = await Reports.File(gateway, "sanitation", "D01-S01-C02-G02-B001");
        var path = $"/api/v1/incidents/{filed.Id}";

        Assert.Equal("score", (await Problem(await PostRaw($"{path}/rate", "{\"score\":6}"), HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal("passed", (await Problem(await PostRaw($"{path}/verify", "{}"), HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal("reason", (await Problem(await PostRaw($"{path}/cancel", "{\"reason\":\"  \"}"), HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal("note", (await Problem(await PostRaw($"{path}/supervise", $"{{\"note\":\"{new string('x', 5000)}\"}}"), HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        await Problem(await PostRaw($"{path}/close", "{}"), HttpStatusCode.Conflict);

        var after = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<Incidents.IncidentView>(path, GatewayFactory.Json);
        Assert.DoesNotContain(after!.Timeline, t => t.Action is Incidents.IncidentAction.Rate or Incidents.IncidentAction.Cancel
            or Incidents.IncidentAction.Supervise or Incidents.IncidentAction.Close or Incidents.IncidentAction.Verify);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var description = new string('x', 70 * 1024);
        var response = await PostRaw("/api/v1/incidents", JsonSerializer.Serialize(Reports.Body(description: description)));
        await Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/api/v1/grids/no-such-grid/desk", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/desks/community:no-such-community", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/desks/not-a-key", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/api/v1/statistics/grid:no-such-grid", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/workers/W999999", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/territory/areas/nowhere", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/territory/buildings/nowhere", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/territory/locate?longitude=500&latitude=0", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/api/v1/incidents/not-a-case-number", HttpStatusCode.NotFound)]
    public async Task Unknown_ids_are_404_and_malformed_ones_422(string path, HttpStatusCode status)
    {
        await Problem(await gateway.ClientFor(GatewayFactory.Operator).GetAsync(path), status);
    }

    private async Task<CaseStatistics> Statistics() =>
        (await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<StatisticsResponse>("/api/v1/statistics/city:demo", GatewayFactory.Json))!.Statistics;
}
