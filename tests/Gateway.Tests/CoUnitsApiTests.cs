using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>Co-units (协办) over HTTP: naming them, their parts, and the lead's resolve that waits for them.</summary>
public sealed class CoUnitsApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static readonly string[] Police = ["police"];
    private static readonly string[] CivilAffairs = ["civil-affairs"];
    private static readonly string[] StallsAndWelfare = ["urban-management", "civil-affairs"];

    private async Task<HttpResponseMessage> Post(string key, string path, object body) => await gateway.ClientFor(key).PostAsJsonAsync(path, body);

    private async Task<IncidentView> Ok(string key, string path, object body)
    {
        var response = await Post(key, path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement;
    }

    private Task<IncidentView?> Get(string path) => gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>(path, GatewayFactory.Json);

    /// <summary>A broken facility in community D01-S01-C01, owned by the municipal department and signed for by it.</summary>
    private async Task<string> AcceptedByMunicipal(string building)
    {
        var created = await Ok(GatewayFactory.Hotline, "/api/v1/incidents", new
        {
            category = "municipal-facility",
            description = "Burst main under the market street; stalls block the repair",
            reporter = new { name = "Resident Sun", phone = "13600000000" },
            location = new { buildingId = building },
        });
        var path = $"/api/v1/incidents/{created.Id}";
        await Eventually(() => Get(path), v => v!.Status == IncidentStatus.Dispatched, $"{created.Id} to reach the municipal desk");
        await Ok(GatewayFactory.Operator, $"{path}/accept", new { });
        return path;
    }

    [Fact]
    public async Task Co_units_are_named_report_their_parts_and_the_lead_resolves_only_when_every_part_is_in()
    {
        var path = await AcceptedByMunicipal("D01-S01-C01-G01-B002");
        var accepted = (await Get(path))!;

        // Bad input: 422 naming the field, and nothing recorded.
        foreach (var (body, field, named) in new (object, string, string?)[]
        {
            (new { task = "help" }, "departments", null),
            (new { departments = Array.Empty<string>(), task = "help" }, "departments", null),
            (new { departments = new[] { "urban-management", "water-works" }, task = "help" }, "departments", "water-works"),
            (new { departments = new[] { "municipal" }, task = "help" }, "departments", "municipal"),
            (new { departments = new[] { "police", "police" }, task = "help" }, "departments", "police"),
            (new { departments = new[] { "police" } }, "task", null),
        })
        {
            var problem = await Problem(await Post(GatewayFactory.Operator, $"{path}/co-units", body), HttpStatusCode.UnprocessableEntity);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            if (named is not null)
            {
                Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(accepted.Version, (await Get(path))!.Version);

        var withCoUnits = await Ok(GatewayFactory.Operator, $"{path}/co-units",
            new { departments = StallsAndWelfare, task = "move the stalls; rehouse the ground-floor tenant" });
        Assert.Equal(["urban-management", "civil-affairs"], withCoUnits.CoUnits.Select(p => p.Department));
        Assert.All(withCoUnits.CoUnits, p => Assert.Equal((CoUnitPartStatus.Outstanding, "move the stalls; rehouse the ground-floor tenant"), (p.Status, p.Task)));
        // The co-unit finds the case in the register by its department, as the lead does.
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        foreach (var department in new[] { "civil-affairs", "municipal" })
        {
            await Eventually(() => operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?department={department}", GatewayFactory.Json),
                page => page.GetProperty("items").EnumerateArray().Any(i => path.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal)),
                $"the register to list the case for {department}");
        }

        var police = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/incidents?department=police", GatewayFactory.Json);
        Assert.DoesNotContain(police.GetProperty("items").EnumerateArray(), i => path.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal));
        var unknownDepartment = await Problem(await operatorClient.GetAsync("/api/v1/incidents?department=water-works"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("department", unknownDepartment.GetProperty("field").GetString());

        var duplicate = await Problem(await Post(GatewayFactory.Operator, $"{path}/co-units", new { departments = CivilAffairs, task = "again" }),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already a co-unit", duplicate.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var waiting = await Problem(await Post(GatewayFactory.Operator, $"{path}/resolve", new { result = "main replaced" }), HttpStatusCode.Conflict);
        Assert.Contains("urban-management, civil-affairs", waiting.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Only a co-unit's part, by a key of the whole city that may act for a department.
        var version = (await Get(path))!.Version;
        await Problem(await Post(GatewayFactory.Operator, $"{path}/parts/police", new { result = "not asked" }), HttpStatusCode.Forbidden);
        await Problem(await Post(GatewayFactory.OperatorC01, $"{path}/parts/civil-affairs", new { result = "done" }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(GatewayFactory.Worker1, $"{path}/parts/civil-affairs", new { result = "done" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(GatewayFactory.Hotline, $"{path}/co-units", new { departments = Police, task = "x" })).StatusCode);
        var noResult = await Problem(await Post(GatewayFactory.Operator, $"{path}/parts/civil-affairs", new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("result", noResult.GetProperty("field").GetString());
        var noReason = await Problem(await Post(GatewayFactory.Operator, $"{path}/parts/civil-affairs/hand-back", new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("reason", noReason.GetProperty("field").GetString());
        Assert.Equal(version, (await Get(path))!.Version);

        var reported = await Ok(GatewayFactory.Operator, $"{path}/parts/urban-management", new { result = "stalls moved to the market lot" });
        Assert.Equal((CoUnitPartStatus.Reported, "stalls moved to the market lot"), (reported.CoUnits[0].Status, reported.CoUnits[0].Result));
        Assert.NotNull(reported.CoUnits[0].ReportedAt);
        await Problem(await Post(GatewayFactory.Operator, $"{path}/parts/urban-management", new { result = "twice" }), HttpStatusCode.Conflict);

        var handedBack = await Ok(GatewayFactory.Operator, $"{path}/parts/civil-affairs/hand-back", new { reason = "the tenant has family nearby" });
        Assert.Equal(CoUnitPartStatus.HandedBack, handedBack.CoUnits[1].Status);

        Assert.Equal(IncidentStatus.Resolved, (await Ok(GatewayFactory.Operator, $"{path}/resolve", new { result = "main replaced" })).Status);
        await Ok(GatewayFactory.Operator, $"{path}/verify", new { passed = true });
        var closed = await Ok(GatewayFactory.Operator, $"{path}/close", new { });
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        await Problem(await Post(GatewayFactory.Operator, $"{path}/co-units", new { departments = Police, task = "too late" }), HttpStatusCode.Conflict);
        await Problem(await Post(GatewayFactory.Operator, $"{path}/parts/civil-affairs", new { result = "too late" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_co_unit_part_of_an_unknown_case_is_404()
    {
        var response = await Post(GatewayFactory.Operator, "/api/v1/incidents/20261123-000000000000/parts/police", new { result = "done" });
        await Problem(response, HttpStatusCode.NotFound);
    }
}
