using System.Net.Http.Json;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Tests;

/// <summary>Report bodies and a helper to file them.</summary>
public static class Reports
{
    public static object Body(string category = "sanitation", string building = "D01-S01-C01-G01-B001", string description = "Rubbish piled up at the gate") => new
    {
        category,
        description,
        reporter = new { name = "Resident Wang", phone = "13900000000" },
        channel = "Hotline",
        location = new { buildingId = building },
    };

    public static async Task<IncidentView> File(GatewayFactory gateway, string category, string building)
    {
        var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsJsonAsync("/api/v1/incidents", Body(category, building));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
    }
}
