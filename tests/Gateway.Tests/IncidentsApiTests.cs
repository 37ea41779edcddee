using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

public sealed class IncidentsApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Building = "D01-S01-C01-G01-B001";

    private static object Report(string category = "sanitation", string? building = Building) => new
    {
        category,
        description = "Rubbish piled up at the gate",
        reporter = new { name = "Resident Wang", phone = "13900000000" },
        channel = "Hotline",
        location = new { buildingId = building },
    };

    [Fact]
    public async Task A_hotline_report_is_answered_201_with_the_case_number_its_grid_and_status()
    {
        var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Report());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json);
        Assert.True(IncidentIds.IsWellFormed(view!.Id));
        Assert.Equal("D01-S01-C01-G01", view.Placement.Path.GridId);
        Assert.Equal(IncidentStatus.Registered, view.Status);
        Assert.Equal($"/api/v1/incidents/{view.Id}", response.Headers.Location?.OriginalString);

        var fetched = await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{view.Id}", GatewayFactory.Json);
        Assert.Equal(view.Id, fetched!.Id);
        Assert.NotEmpty(fetched.Timeline);
    }

    [Theory]
    [InlineData("unicorns", Building, "category")]
    [InlineData("noise", "no-such-building", "location.buildingId")]
    public async Task A_bad_report_gets_422_problem_json_naming_the_field(string category, string building, string field)
    {
        var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Report(category, building));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Requests_without_a_valid_key_get_401_and_the_wrong_role_403()
    {
        var anonymous = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/incidents", Report())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ClientFor("wrong-key").GetAsync("/api/v1/incidents/20261123-000000000000")).StatusCode);

        var created = await (await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Report("noise")))
            .Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json);
        var hotlineAccept = await gateway.ClientFor(GatewayFactory.Hotline).PostAsync($"/api/v1/incidents/{created!.Id}/accept", null);
        Assert.Equal(HttpStatusCode.Forbidden, hotlineAccept.StatusCode);
    }

    [Fact]
    public async Task A_worker_key_acts_only_on_cases_assigned_to_that_worker()
    {
        var created = await (await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Report("property", "D01-S01-C01-G01-B002")))
            .Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json);
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var view = (await Eventually(() => operatorClient.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{created!.Id}", GatewayFactory.Json),
            v => v!.Status == IncidentStatus.Dispatched, $"{created!.Id} to be dispatched"))!;
        var mine = GatewayFactory.WorkerKeys[view.Assignee!.WorkerId!];
        var theirs = GatewayFactory.WorkerKeys.Where(k => k.Key != view.Assignee.WorkerId).Select(k => k.Value).First();

        var refused = await gateway.ClientFor(theirs).PostAsync($"/api/v1/incidents/{view.Id}/accept", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var accepted = await gateway.ClientFor(mine).PostAsync($"/api/v1/incidents/{view.Id}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var again = await gateway.ClientFor(mine).PostAsync($"/api/v1/incidents/{view.Id}/accept", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task An_unknown_case_number_is_404()
    {
        var response = await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/incidents/20261123-000000000000");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
