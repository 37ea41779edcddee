using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Territory;

namespace Dispatch.Gateway.Tests;

/// <summary>The hotline finds a building by part of its address, written however the caller says it.</summary>
public sealed class BuildingSearchTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Part_of_an_address_finds_the_building_with_its_grid_and_a_bad_search_is_422()
    {
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);
        var building = (await hotline.GetFromJsonAsync<BuildingView>("/api/v1/territory/buildings/D01-S01-C02-G01-B002", GatewayFactory.Json))!;
        var part = building.Building.Address[2..^1].ToUpperInvariant();

        var found = (await hotline.GetFromJsonAsync<BuildingView[]>($"/api/v1/territory/buildings?q={Uri.EscapeDataString(part)}", GatewayFactory.Json))!;

        var hit = Assert.Single(found, b => b.Building.Id == building.Building.Id);
        Assert.Equal("D01-S01-C02-G01", hit.Path.GridId);
        Assert.All(found, b => Assert.Contains(AddressBook.Normalize(part), AddressBook.Normalize(b.Building.Address), StringComparison.Ordinal));
        Assert.InRange(found.Length, 1, 20);
        Assert.Empty((await hotline.GetFromJsonAsync<BuildingView[]>("/api/v1/territory/buildings?q=zzzz-no-such-street", GatewayFactory.Json))!);

        using var tooShort = await hotline.GetAsync("/api/v1/territory/buildings?q=%20-%20a");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.StatusCode);
        Assert.Equal("q", JsonDocument.Parse(await tooShort.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }
}
