using System.Net;
using System.Net.Http.Json;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

public sealed class LifecycleOverHttpTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private async Task<IncidentView> Post(string key, string path, object? body = null)
    {
        var response = await gateway.ClientFor(key).PostAsJsonAsync(path, body ?? new { });
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
    }

    [Fact]
    public async Task One_incident_goes_from_report_to_rating_over_http()
    {
        var created = await Post(GatewayFactory.Hotline, "/api/v1/incidents", new
        {
            category = "neighbour-dispute",
            description = "Dispute over a leaking pipe between floors 3 and 4",
            reporter = new { name = "Resident Zhao", phone = "13700000000" },
            channel = "Hotline",
            location = new { buildingId = "D01-S01-C01-G01-B003" },
        });
        var path = $"/api/v1/incidents/{created.Id}";
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var view = (await Eventually(() => operatorClient.GetFromJsonAsync<IncidentView>(path, GatewayFactory.Json),
            v => v!.Status == IncidentStatus.Dispatched, $"{created.Id} to be dispatched"))!;
        var worker = GatewayFactory.WorkerKeys[view.Assignee!.WorkerId!];

        await Post(GatewayFactory.Operator, $"{path}/supervise", new { note = "督办: the family upstairs is elderly" });
        await Post(worker, $"{path}/accept");
        await Post(worker, $"{path}/notes", new { note = "both households met" });
        await Post(worker, $"{path}/resolve", new { result = "pipe repaired, agreement signed" });
        var reopened = await Post(GatewayFactory.Operator, $"{path}/verify", new { passed = false, reason = "agreement not signed by floor 4" });
        Assert.Equal(IncidentStatus.Accepted, reopened.Status);
        await Post(worker, $"{path}/resolve", new { result = "agreement signed by both" });
        await Post(GatewayFactory.Operator, $"{path}/verify", new { passed = true });
        await Post(GatewayFactory.Operator, $"{path}/close", new { reason = "resolved locally" });
        var rated = await Post(GatewayFactory.Hotline, $"{path}/rate", new { score = 5, comment = "very satisfied" });

        Assert.Equal(IncidentStatus.Rated, rated.Status);
        Assert.Equal(1, rated.ReworkCount);
        Assert.Contains(rated.Timeline, t => t.Action == IncidentAction.Supervise && t.Actor == "operator:duty-officer");
        Assert.Equal(IncidentAction.Rate, rated.Timeline[^1].Action);
    }

    [Fact]
    public async Task The_hotline_cannot_verify_close_cancel_or_reassign()
    {
        var created = await Post(GatewayFactory.Hotline, "/api/v1/incidents", new
        {
            category = "noise", description = "Karaoke at midnight", reporter = new { name = "Resident Li" },
            location = new { buildingId = "D01-S01-C01-G02-B001" },
        });
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        foreach (var action in new[] { "verify", "close", "cancel", "reassign", "supervise" })
        {
            var response = await hotline.PostAsJsonAsync($"/api/v1/incidents/{created.Id}/{action}", new { reason = "x", passed = true });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var unchanged = await hotline.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{created.Id}", GatewayFactory.Json);
        Assert.DoesNotContain(unchanged!.Timeline, t => t.Actor.StartsWith("hotline:", StringComparison.Ordinal) && t.Action != IncidentAction.Report && t.Action != IncidentAction.Register);
    }

    [Fact]
    public async Task The_handler_records_reaching_the_resident_bad_input_and_others_are_refused_and_change_nothing()
    {
        var created = await Post(GatewayFactory.Hotline, "/api/v1/incidents", new
        {
            category = "neighbour-dispute", description = "Quarrel over a parking space", reporter = new { name = "Resident Qian", phone = "13600000000" },
            location = new { buildingId = "D01-S01-C01-G01-B001" },
        });
        Assert.NotNull(created.ContactDue);
        var path = $"/api/v1/incidents/{created.Id}";
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var dispatched = (await Eventually(() => operatorClient.GetFromJsonAsync<IncidentView>(path, GatewayFactory.Json),
            v => v!.Status == IncidentStatus.Dispatched, $"{created.Id} to be dispatched"))!;
        var worker = GatewayFactory.WorkerKeys[dispatched.Assignee!.WorkerId!];
        var otherWorker = GatewayFactory.WorkerKeys.First(k => k.Key != dispatched.Assignee.WorkerId).Value;

        var empty = await gateway.ClientFor(worker).PostAsJsonAsync($"{path}/contact", new { note = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("note", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notTheirs = await gateway.ClientFor(otherWorker).PostAsJsonAsync($"{path}/contact", new { note = "called" });
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        var unchanged = await operatorClient.GetFromJsonAsync<IncidentView>(path, GatewayFactory.Json);
        Assert.Equal((dispatched.Version, (DateTimeOffset?)null), (unchanged!.Version, unchanged.ContactedAt));

        var contacted = await Post(worker, $"{path}/contact", new { note = "called Resident Qian: coming this afternoon" });
        Assert.NotNull(contacted.ContactedAt);
        Assert.Equal(IncidentStatus.Dispatched, contacted.Status);
        Assert.Contains(contacted.Timeline, t => t.Action == IncidentAction.Contact && t.Reason!.Contains("first contact", StringComparison.Ordinal));

        await Post(GatewayFactory.Operator, $"{path}/cancel", new { reason = "withdrawn by the resident" });
        var closed = await gateway.ClientFor(GatewayFactory.Operator).PostAsJsonAsync($"{path}/contact", new { note = "called again" });
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
    }
}
