using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dispatch.Desks;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;

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
    [InlineData("/api/v1/workers/%E2%80%A8", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/api/v1/grids/%20/desk", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/api/v1/territory/buildings/B%E2%80%8B1", HttpStatusCode.UnprocessableEntity)]
    public async Task Unknown_ids_are_404_and_malformed_ones_422(string path, HttpStatusCode status)
    {
        await Problem(await gateway.ClientFor(GatewayFactory.Operator).GetAsync(path), status);
    }

    /// <summary>Every endpoint that takes a body: method, path (under the filed case's path where it has <c>{case}</c>) and a valid body.</summary>
    public static readonly TheoryData<string, string, string> BodyEndpoints = new()
    {
        { "POST", "/api/v1/incidents", JsonSerializer.Serialize(Reports.Body()) },
        { "POST", "{case}/reject", "{\"reason\":\"not mine\"}" },
        { "POST", "{case}/resolve", "{\"result\":\"done\"}" },
        { "POST", "{case}/notes", "{\"note\":\"on my way\"}" },
        { "POST", "{case}/verify", "{\"passed\":true}" },
        { "POST", "{case}/close", "{\"reason\":\"done\"}" },
        { "POST", "{case}/cancel", "{\"reason\":\"duplicate\"}" },
        { "POST", "{case}/supervise", "{\"note\":\"hurry\"}" },
        { "POST", "{case}/reassign", "{\"reason\":\"closer worker\"}" },
        { "POST", "{case}/rate", "{\"score\":5}" },
        { "PUT", "/api/v1/workers/W000001/duty", "{\"onDuty\":true}" },
    };

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task A_charset_other_than_utf8_is_415_and_changes_nothing(string method, string path, string json)
    {
        var id = path.StartsWith("{case}", StringComparison.Ordinal) ? (await Reports.File(gateway, "sanitation", "D01-S01-C02-G01-B002")).Id : null;
        var before = id is null ? await Statistics() : null;
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{case}", $"/api/v1/incidents/{id}", StringComparison.Ordinal))
        {
            Content = new StringContent(json, Encoding.UTF8),
        };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus-8");

        var problem = await Problem(await gateway.ClientFor(GatewayFactory.Admin).SendAsync(request), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("charset", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        if (before is not null)
        {
            Assert.Equal(before, await Statistics());
        }

        if (id is not null)
        {
            var after = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json);
            Assert.DoesNotContain(after!.Timeline, t => t.Actor.Contains("admin", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [InlineData("to=0001-01-03T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z", "from")]
    [InlineData("from=9999-12-31T00:00:00Z", "from")]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    public async Task Times_outside_the_registers_calendar_are_422(string query, string field)
    {
        var problem = await Problem(await gateway.ClientFor(GatewayFactory.Operator).GetAsync($"/api/v1/incidents?{query}"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("close", "reason")]
    [InlineData("verify", "reason")]
    [InlineData("rate", "comment")]
    [InlineData("reassign", "reason")]
    [InlineData("reject", "reason")]
    [InlineData("resolve", "result")]
    [InlineData("notes", "note")]
    [InlineData("cancel", "reason")]
    public async Task Every_free_text_field_has_a_length_limit(string action, string field)
    {
        var filed = await Reports.File(gateway, "sanitation", "D01-S01-C02-G02-B002");
        var text = new string('x', CaseText.MaxLength + 1);
        var body = action switch
        {
            "verify" => JsonSerializer.Serialize(new { passed = true, reason = text }),
            "rate" => JsonSerializer.Serialize(new { score = 4, comment = text }),
            _ => JsonSerializer.Serialize(new Dictionary<string, string> { [field] = text }),
        };

        var problem = await Problem(await PostRaw($"/api/v1/incidents/{filed.Id}/{action}", body), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(field, problem.GetProperty("field").GetString());
        var after = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<Incidents.IncidentView>($"/api/v1/incidents/{filed.Id}", GatewayFactory.Json);
        Assert.DoesNotContain(after!.Timeline, t => t.Reason?.Length > CaseText.MaxLength);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u0000")]
    [InlineData("\uFEFF")]
    [InlineData(" \u200B\u200C\u200D\u2060 \uFEFF\u00AD ")]
    [InlineData("\u0001\u001F\u007F")]
    [InlineData("\u3164\u2800")]
    public async Task A_description_of_only_invisible_characters_is_422(string description)
    {
        var before = await Statistics();
        var problem = await Problem(await PostRaw("/api/v1/incidents", JsonSerializer.Serialize(Reports.Body(description: description))), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("description", problem.GetProperty("field").GetString());
        Assert.Equal(before, await Statistics());
    }

    [Theory]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"channel\":1,\"location\":{\"buildingId\":\"D01-S01-C01-G01-B001\"}}", "channel")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"channel\":\"1\",\"location\":{\"buildingId\":\"D01-S01-C01-G01-B001\"}}", "channel")]
    [InlineData("{\"category\":\"noise\",\"description\":\"x\",\"reporter\":{\"name\":\"a\"},\"location\":{\"longitude\":\"120\",\"latitude\":30}}", "location.longitude")]
    public async Task Values_of_the_wrong_json_type_are_400(string json, string field)
    {
        var before = await Statistics();
        var problem = await Problem(await PostRaw("/api/v1/incidents", json), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(before, await Statistics());
    }

    [Fact]
    public async Task Every_response_says_nosniff_and_empty_refusals_are_problem_json()
    {
        var anonymous = gateway.CreateClient();
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["health"] = await anonymous.GetAsync("/health"),
            ["catalog"] = await operatorClient.GetAsync("/api/v1/catalog"),
            ["no key"] = await anonymous.GetAsync("/api/v1/catalog"),
            ["unknown case"] = await operatorClient.GetAsync("/api/v1/incidents/not-a-case-number"),
            ["invalid"] = await PostRaw("/api/v1/incidents", "{}"),
            ["unreadable"] = await PostRaw("/api/v1/incidents", "{"),
        };
        foreach (var (name, response) in responses)
        {
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values), name);
            Assert.Equal("nosniff", Assert.Single(values));
        }

        // Refusals the framework makes without a body of their own: no route, a wrong method, a
        // media type that is not JSON, no key, the wrong role. (A NUL in the path never reaches the
        // application: Kestrel refuses it, and the test server throws.)
        await Problem(await operatorClient.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await Problem(await operatorClient.DeleteAsync("/api/v1/catalog"), HttpStatusCode.MethodNotAllowed);
        await Problem(await operatorClient.PostAsync("/api/v1/incidents", new StringContent("category=noise", Encoding.UTF8, "application/x-www-form-urlencoded")), HttpStatusCode.UnsupportedMediaType);
        await Problem(await anonymous.GetAsync("/api/v1/catalog"), HttpStatusCode.Unauthorized);
        await Problem(await gateway.ClientFor(GatewayFactory.Hotline).GetAsync("/api/v1/workers/W000001"), HttpStatusCode.Forbidden);
    }

    /// <summary>The figures of the community the refused reports point at; the tests that file cases file them elsewhere.</summary>
    private async Task<CaseStatistics> Statistics() =>
        (await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<StatisticsResponse>("/api/v1/statistics/community:D01-S01-C01", GatewayFactory.Json))!.Statistics;
}
