using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.Gateway.Tests;

/// <summary>PUT /api/v1/territory: admins import a city's files over HTTP; a refusal is problem+json and changes nothing.</summary>
public sealed class TerritoryApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    /// <summary>Street TS with communities TS-1, TS-2 side by side, each cut into grids TS-c-1, TS-c-2.</summary>
    private static string Nested(bool duplicate = false)
    {
        var features = new List<string> { Feature("TS", "street", 116.3, 39.9, 116.5, 40.0) };
        for (var c = 1; c <= 2; c++)
        {
            var x0 = 116.3 + ((c - 1) * 0.1);
            features.Add(Feature($"TS-{c}", "community", x0, 39.9, x0 + 0.1, 40.0));
            for (var g = 1; g <= 2; g++)
            {
                var y0 = 39.9 + ((g - 1) * 0.05);
                features.Add(Feature(duplicate && c == 2 && g == 2 ? "TS-1-1" : $"TS-{c}-{g}", "grid", x0, y0, x0 + 0.1, y0 + 0.05));
            }
        }

        return $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";
    }

    private static string Feature(string code, string level, double x0, double y0, double x1, double y1) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"type":"Feature","properties":{"code":"{{{code}}}","level":"{{{level}}}"},"geometry":{"type":"Polygon","coordinates":[[[{{{x0}}},{{{y0}}}],[{{{x1}}},{{{y0}}}],[{{{x1}}},{{{y1}}}],[{{{x0}}},{{{y1}}}],[{{{x0}}},{{{y0}}}]]]}}""");

    private static StringContent GeoJson(string json) => new(json, Encoding.UTF8, "application/geo+json");

    private async Task<JsonElement> Summary()
    {
        using var document = JsonDocument.Parse(await gateway.ClientFor(GatewayFactory.Operator).GetStringAsync("/api/v1/territory"));
        return document.RootElement.GetProperty("summary").Clone();
    }

    [Fact]
    public async Task Only_admins_import()
    {
        var response = await gateway.ClientFor(GatewayFactory.Operator).PutAsync("/api/v1/territory", GeoJson(Nested()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_broken_file_is_422_listing_every_problem_and_changes_nothing()
    {
        var before = await Summary();

        var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory", GeoJson(Nested(duplicate: true)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var first = problem.RootElement.GetProperty("problems")[0];
        Assert.Equal("upload.geojson feature 7 ('TS-1-1')", first.GetProperty("where").GetString());
        Assert.Contains("duplicate code", first.GetProperty("what").GetString());
        Assert.Equal(before.GetProperty("version").GetInt32(), (await Summary()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Files_sent_together_become_the_next_version_and_route_reports()
    {
        var before = await Summary();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(Nested())) { Headers = { ContentType = new MediaTypeHeaderValue("application/geo+json") } }, "files", "nested.geojson");
        form.Add(new StringContent("id,grid,role,skills,on duty\nW-A,TS-1-1,grid worker,sanitation,yes\n"), "files", "workers.csv");
        form.Add(new StringContent("id,longitude,latitude,address,households\nB-A,116.45,39.97,1 Import Road,80\n"), "files", "buildings.csv");

        var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var summary = result.RootElement.GetProperty("summary");
        Assert.Equal(before.GetProperty("version").GetInt32() + 1, summary.GetProperty("version").GetInt32());
        Assert.Equal(4, summary.GetProperty("grids").GetInt32());
        Assert.Equal(1, result.RootElement.GetProperty("workers").GetInt32());
        Assert.Equal(1, result.RootElement.GetProperty("buildings").GetInt32());
        Assert.True(result.RootElement.GetProperty("removedGrids").GetArrayLength() > 0);

        var located = await gateway.ClientFor(GatewayFactory.Operator).GetStringAsync("/api/v1/territory/locate?longitude=116.35&latitude=39.93");
        Assert.Contains("\"gridId\":\"TS-1-1\"", located);
        var building = await gateway.ClientFor(GatewayFactory.Operator).GetStringAsync("/api/v1/territory/buildings/B-A");
        Assert.Contains("\"gridId\":\"TS-2-2\"", building);
    }

    [Fact]
    public async Task A_dry_run_checks_a_flat_layer_with_the_city_s_own_property_names()
    {
        var before = await Summary();
        var features = Enumerable.Range(0, 6).Select(i => string.Create(CultureInfo.InvariantCulture,
            $$$"""{"type":"Feature","properties":{"BoroCD":{{{101 + i}}},"cd_name":"District {{{101 + i}}}"},"geometry":{"type":"Polygon","coordinates":[[[{{{2 + (i * 0.01)}}},48.8],[{{{2.01 + (i * 0.01)}}},48.8],[{{{2.01 + (i * 0.01)}}},48.81],[{{{2 + (i * 0.01)}}},48.81],[{{{2 + (i * 0.01)}}},48.8]]]}}"""));

        var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory?codeProperty=BoroCD&nameProperty=cd_name&dryRun=true",
            GeoJson($$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(result.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(3, result.RootElement.GetProperty("generated").GetArrayLength());
        Assert.Equal(before.GetProperty("version").GetInt32(), (await Summary()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_import_while_another_holds_the_map_is_409_and_changes_nothing()
    {
        var before = await Summary();
        var territory = gateway.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<Dispatch.Territory.ITerritoryGrain>(before.GetProperty("cityId").GetString()!);
        await territory.HoldImport("another-import");
        try
        {
            var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory", GeoJson(Nested()));

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Another territory import", await response.Content.ReadAsStringAsync());
            Assert.Equal(before.GetProperty("version").GetInt32(), (await Summary()).GetProperty("version").GetInt32());
        }
        finally
        {
            await territory.ReleaseImport("another-import");
        }
    }

    /// <summary>The shipped catalog with sanitation accepted within 25 minutes and a new category, graffiti; or without <paramref name="drop"/>.</summary>
    private static StringContent Catalog(string? drop = null)
    {
        using var stream = typeof(Catalog.CategoryCatalog).Assembly.GetManifestResourceStream("Dispatch.Catalog.catalog.json")!;
        var catalog = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var categories = catalog["categories"]!.AsArray();
        categories.Single(c => (string?)c!["code"] == "sanitation")!["acceptWithin"] = "00:25:00";
        categories.Add(new JsonObject
        {
            ["code"] = "graffiti", ["classCode"] = "01.09", ["nameEn"] = "Graffiti", ["nameZh"] = "乱涂乱画",
            ["urgency"] = "Low", ["acceptWithin"] = "03:00:00", ["resolveWithin"] = "2.00:00:00", ["skill"] = "sanitation", ["owner"] = "grid",
        });
        if (drop is not null)
        {
            categories.Remove(categories.Single(c => (string?)c!["code"] == drop));
        }

        return new StringContent(catalog.ToJsonString(), Encoding.UTF8, "application/json");
    }

    private async Task<JsonElement> CatalogInUse()
    {
        using var document = JsonDocument.Parse(await gateway.ClientFor(GatewayFactory.Operator).GetStringAsync("/api/v1/catalog"));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task A_catalog_file_is_installed_and_answered_with_its_version_which_the_catalog_shows()
    {
        var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory?file=catalog.json", Catalog());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var version = result.RootElement.GetProperty("catalogVersion").GetInt32();
        Assert.True(version >= 1);
        var catalog = await CatalogInUse();
        Assert.Equal(version, catalog.GetProperty("version").GetInt32());
        var categories = catalog.GetProperty("categories").EnumerateArray().ToArray();
        Assert.Contains(categories, c => c.GetProperty("code").GetString() == "graffiti");
        Assert.Equal("00:25:00", categories.Single(c => c.GetProperty("code").GetString() == "sanitation").GetProperty("acceptWithin").GetString());
    }

    [Fact]
    public async Task A_catalog_dropping_a_category_is_422_naming_it_and_changes_nothing()
    {
        var before = await CatalogInUse();

        var response = await gateway.ClientFor(GatewayFactory.Admin).PutAsync("/api/v1/territory?file=catalog.json", Catalog(drop: "noise"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(problem.RootElement.GetProperty("problems").EnumerateArray(),
            p => p.GetProperty("where").GetString() == "catalog.json" && p.GetProperty("what").GetString()!.Contains("noise"));
        var after = await CatalogInUse();
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Contains(after.GetProperty("categories").EnumerateArray(), c => c.GetProperty("code").GetString() == "noise");
    }
}
