using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>POST /incidents/{id}/confirm: the grid worker's answer to the on-site check (核实) of a report held before filing.</summary>
public sealed class ConfirmApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Incidents = "/api/v1/incidents";

    /// <summary>A resident's hotline report of an abandoned vehicle, once the grid has given its check to a worker with a key.</summary>
    private async Task<(IncidentView Held, string WorkerKey)> HeldReport(string building)
    {
        var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync(Incidents, new
        {
            category = "abandoned-vehicle",
            description = "A car without plates has stood in the courtyard since spring",
            reporter = new { name = "Resident Sun", phone = "13600000000" },
            channel = "Hotline",
            location = new { buildingId = building },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        Assert.Equal(IncidentStatus.AwaitingConfirmation, created.Status);
        Assert.Null(created.ResolveDue);

        var held = (await Eventually(() => Get(created.Id), v => v.Assignee?.WorkerId is not null, $"{created.Id} to be given to a worker"))!;
        return (held, GatewayFactory.WorkerKeys[held.Assignee!.WorkerId!]);
    }

    private Task<IncidentView> Get(string id) =>
        gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"{Incidents}/{id}", GatewayFactory.Json)!;

    private Task<HttpResponseMessage> Confirm(string key, string id, string json) =>
        gateway.ClientFor(key).PostAsync($"{Incidents}/{id}/confirm", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task The_worker_confirms_over_http_and_the_case_is_filed_and_stays_theirs()
    {
        var (held, worker) = await HeldReport("D01-S01-C01-G01-B002");

        var response = await Confirm(worker, held.Id, """{"confirmed":true,"note":"still there, tyres flat"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var filed = (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;

        Assert.Equal(IncidentStatus.Dispatched, filed.Status);
        Assert.Equal(held.Assignee!.WorkerId, filed.Assignee?.WorkerId);
        Assert.NotNull(filed.FiledAt);
        Assert.NotNull(filed.ResolveDue);
        Assert.True(filed.ResolveDue > filed.FiledAt);
        Assert.Equal($"worker:{held.Assignee.WorkerId}", filed.Timeline.Single(t => t.Action == IncidentAction.Register && t.From == IncidentStatus.AwaitingConfirmation).Actor);

        // Confirmed once is enough: a second answer is 409.
        var again = await Problem(await Confirm(worker, held.Id, """{"confirmed":false,"note":"gone"}"""), HttpStatusCode.Conflict);
        Assert.Contains("Dispatched", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(filed.Version, (await Get(held.Id)).Version);
    }

    [Fact]
    public async Task Bad_input_and_the_wrong_worker_are_refused_and_change_nothing_and_nothing_found_closes_the_report_with_the_note()
    {
        var (held, worker) = await HeldReport("D01-S01-C01-G01-B003");

        Assert.Equal("confirmed", (await Problem(await Confirm(worker, held.Id, "{}"), HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal("note", (await Problem(await Confirm(worker, held.Id, """{"confirmed":false,"note":"  "}"""), HttpStatusCode.UnprocessableEntity))
            .GetProperty("field").GetString());
        Assert.Equal("note", (await Problem(await Confirm(worker, held.Id, $$"""{"confirmed":false,"note":"{{new string('x', 5000)}}"}"""), HttpStatusCode.UnprocessableEntity))
            .GetProperty("field").GetString());
        await Problem(await Confirm(worker, held.Id, """{"confirmed":"perhaps"}"""), HttpStatusCode.BadRequest);
        var other = GatewayFactory.WorkerKeys.First(k => k.Key != held.Assignee!.WorkerId).Value;
        await Problem(await Confirm(other, held.Id, """{"confirmed":true}"""), HttpStatusCode.Forbidden);
        await Problem(await Confirm(worker, "20261123-000000000000", """{"confirmed":true}"""), HttpStatusCode.NotFound);
        Assert.Equal(held.Version, (await Get(held.Id)).Version);

        var response = await Confirm(worker, held.Id, """{"confirmed":false,"note":"the owner drove it away this morning"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ended = (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        Assert.Equal(IncidentStatus.Unconfirmed, ended.Status);
        Assert.False(ended.IsOpen);

        // The resident's view (Open311): closed, with what the worker found.
        var open311 = JsonDocument.Parse(await gateway.CreateClient().GetStringAsync($"/open311/v2/requests/{held.Id}.json")).RootElement[0];
        Assert.Equal("closed", open311.GetProperty("status").GetString());
        Assert.Contains("the owner drove it away this morning", open311.GetProperty("status_notes").GetString(), StringComparison.Ordinal);

        // The register lists it by its status; a status that does not exist is refused, naming the filter.
        var list = await Eventually(
            () => gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentListResponse>($"{Incidents}?status=unconfirmed&category=abandoned-vehicle", GatewayFactory.Json),
            l => l!.Items.Any(i => i.Id == held.Id), "the register to list the unconfirmed report");
        Assert.All(list!.Items, i => Assert.Equal(IncidentStatus.Unconfirmed, i.Status));
        var unknown = await gateway.ClientFor(GatewayFactory.Operator).GetAsync($"{Incidents}?status=unconfirmable");
        Assert.Equal("status", (await Problem(unknown, HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
    }
}
