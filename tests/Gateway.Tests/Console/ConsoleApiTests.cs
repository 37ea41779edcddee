using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dispatch.Gateway.Tests.Console;

/// <summary>What the console is served with: its files at /console from the gateway itself, who a key is, and the whole map in one cacheable answer.</summary>
public sealed class ConsoleApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task The_console_is_served_at_console_with_nothing_from_elsewhere()
    {
        var client = gateway.CreateClient(new() { AllowAutoRedirect = false });
        var bare = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/console/", bare.Headers.Location?.OriginalString);

        var page = await client.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // The browser is told to load nothing but this origin's files.
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();

        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "console"));
        Assert.Contains(files, f => f.EndsWith("index.html", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var served = await client.GetAsync($"/console/{name}");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            var text = await served.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
            if (name != "index.html")
            {
                Assert.Contains(name, html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_key_learns_its_role_and_worker()
    {
        var worker = await gateway.ClientFor(GatewayFactory.Worker2).GetFromJsonAsync<JsonElement>("/api/v1/session");
        Assert.Equal("worker", worker.GetProperty("role").GetString());
        Assert.Equal("W000002", worker.GetProperty("workerId").GetString());
        var hotline = await gateway.ClientFor(GatewayFactory.Hotline).GetFromJsonAsync<JsonElement>("/api/v1/session");
        Assert.Equal("hotline", hotline.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, hotline.GetProperty("workerId").ValueKind);
    }

    [Fact]
    public async Task The_map_holds_every_grid_as_closed_rings_of_longitude_and_latitude_and_answers_304_when_unchanged()
    {
        var client = gateway.ClientFor(GatewayFactory.Operator);
        var answer = await client.GetAsync("/api/v1/territory/map");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var etag = answer.Headers.ETag;
        Assert.NotNull(etag);
        using var map = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());

        var territory = await client.GetFromJsonAsync<JsonElement>("/api/v1/territory");
        var grids = map.RootElement.GetProperty("grids").EnumerateArray().ToList();
        Assert.Equal(territory.GetProperty("summary").GetProperty("grids").GetInt32(), grids.Count);
        var first = grids.Single(g => g.GetProperty("id").GetString() == "D01-S01-C01-G01");
        Assert.Equal("D01-S01-C01", first.GetProperty("community").GetString());
        var ring = first.GetProperty("rings")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(ring.Length >= 8 && ring.Length % 2 == 0);
        Assert.Equal((ring[0], ring[1]), (ring[^2], ring[^1]));

        // The grid's own boundary agrees: the building's point lies in the ring's bounds.
        var building = await client.GetFromJsonAsync<JsonElement>("/api/v1/territory/buildings/D01-S01-C01-G01-B001");
        var lon = building.GetProperty("building").GetProperty("longitude").GetDouble();
        var lat = building.GetProperty("building").GetProperty("latitude").GetDouble();
        var lons = ring.Where((_, i) => i % 2 == 0).ToArray();
        var lats = ring.Where((_, i) => i % 2 == 1).ToArray();
        Assert.InRange(lon, lons.Min(), lons.Max());
        Assert.InRange(lat, lats.Min(), lats.Max());

        var areas = map.RootElement.GetProperty("areas").EnumerateArray().ToList();
        Assert.Contains(areas, a => a.GetProperty("id").GetString() == "D01-S01" && a.GetProperty("level").GetString() == "Street" && a.GetProperty("parent").GetString() == "D01");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/territory/map");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }
}
