using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>The hotline finds a caller's earlier cases by the phone number, written however the caller says it.</summary>
public sealed class CallerHistoryTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static object Report(string category, string building, string phone) => new
    {
        category,
        description = $"{category} again",
        reporter = new { name = "Resident Zhou", phone },
        channel = "Hotline",
        location = new { buildingId = building },
    };

    private async Task<string> File(object report)
    {
        using var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", report);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_callers_earlier_cases_are_found_by_their_number_and_nobody_elses()
    {
        var first = await File(Report("noise", "D01-S01-C01-G02-B001", "139 1234 5678"));
        var second = await File(Report("sanitation", "D01-S01-C02-G02-B003", "139-1234-5678"));
        var someoneElse = await File(Report("noise", "D01-S01-C02-G01-B002", "13987654321"));

        var found = await Eventually(
            () => gateway.ClientFor(GatewayFactory.Hotline).GetFromJsonAsync<IncidentListResponse>("/api/v1/incidents?phone=139-1234-5678", GatewayFactory.Json),
            page => page!.Items.Count >= 2, "both of the caller's cases in the register");
        Assert.Equal([second, first], found!.Items.Select(i => i.Id));
        Assert.DoesNotContain(found.Items, i => i.Id == someoneElse);

        var worker = await gateway.ClientFor(GatewayFactory.Worker1).GetAsync("/api/v1/incidents?phone=13912345678");
        Assert.Equal(HttpStatusCode.Forbidden, worker.StatusCode);
        using var bad = await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/incidents?phone=call-me");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal("phone", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }
}
