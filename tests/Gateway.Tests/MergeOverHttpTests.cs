using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>Merging a case into the one it repeats and separating it again, over HTTP, as operators and scoped keys may.</summary>
public sealed class MergeOverHttpTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string UnknownId = "20261123-000000000000";

    private HttpClient Operator => gateway.ClientFor(GatewayFactory.Operator);

    private async Task<IncidentView> Delivered(string category, string building)
    {
        var filed = await Reports.File(gateway, category, building);
        return await Read(filed.Id, v => v.Delivered);
    }

    private Task<IncidentView> Read(string id, Func<IncidentView, bool>? condition = null) =>
        Eventually(async () => (await Operator.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json))!,
            v => condition?.Invoke(v) ?? true, $"incident {id}");

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task An_operator_merges_a_case_into_the_one_it_repeats_and_separates_it_again()
    {
        var primary = await Delivered("sanitation", "D01-S01-C01-G01-B001");
        var duplicate = await Delivered("sanitation", "D01-S01-C01-G02-B001");

        var merge = await Operator.PostAsJsonAsync($"/api/v1/incidents/{duplicate.Id}/merge", new { into = primary.Id, reason = "the same heap, seen from the other street" });

        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        var merged = (await merge.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        Assert.Equal((IncidentStatus.Merged, primary.Id), (merged.Status, merged.MergedInto));
        var withDuplicate = await Read(primary.Id);
        Assert.Equal([duplicate.Id], withDuplicate.Duplicates);
        Assert.Equal(2, withDuplicate.Reporters.Count);

        var unmerge = await Operator.PostAsJsonAsync($"/api/v1/incidents/{duplicate.Id}/unmerge", new { reason = "two heaps after all" });

        Assert.Equal(HttpStatusCode.OK, unmerge.StatusCode);
        var back = (await unmerge.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        Assert.Equal(IncidentStatus.Registered, back.Status);
        Assert.Equal([primary.Id], back.SeparatedFrom);
        await Read(duplicate.Id, v => v.Delivered && v.Status != IncidentStatus.Merged);
        var separated = await Read(primary.Id);
        Assert.Empty(separated.Duplicates);
        Assert.Single(separated.Reporters);
        Assert.Contains(separated.Timeline, t => t.Action == IncidentAction.SeparateDuplicate && t.Reason!.Contains("two heaps", StringComparison.Ordinal));

        await Problem(await Operator.PostAsJsonAsync($"/api/v1/incidents/{duplicate.Id}/unmerge", new { reason = "again" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_merge_with_bad_input_is_422_naming_the_field_one_in_the_wrong_state_409_and_nothing_changes()
    {
        var primary = await Delivered("noise", "D01-S01-C01-G01-B002");
        var other = await Delivered("noise", "D01-S01-C01-G02-B002");
        var cancelled = await Delivered("property", "D01-S01-C01-G01-B003");
        Assert.Equal(HttpStatusCode.OK, (await Operator.PostAsJsonAsync($"/api/v1/incidents/{cancelled.Id}/cancel", new { reason = "withdrawn" })).StatusCode);
        var path = $"/api/v1/incidents/{other.Id}/merge";

        (object Body, string Field)[] refused =
        [
            (new { reason = "same noise" }, "into"),
            (new { into = other.Id, reason = "same noise" }, "into"),
            (new { into = UnknownId, reason = "same noise" }, "into"),
            (new { into = cancelled.Id, reason = "same noise" }, "into"),
            (new { into = primary.Id, reason = " " }, "reason"),
            (new { into = primary.Id }, "reason"),
        ];
        foreach (var (body, field) in refused)
        {
            var problem = await Problem(await Operator.PostAsJsonAsync(path, body), HttpStatusCode.UnprocessableEntity);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        await Problem(await Operator.PostAsJsonAsync($"/api/v1/incidents/{cancelled.Id}/merge", new { into = primary.Id, reason = "same noise" }), HttpStatusCode.Conflict);
        await Problem(await Operator.PostAsJsonAsync($"/api/v1/incidents/{other.Id}/unmerge", new { reason = "never merged" }), HttpStatusCode.Conflict);
        await Problem(await Operator.PostAsJsonAsync($"/api/v1/incidents/{UnknownId}/merge", new { into = primary.Id, reason = "same noise" }), HttpStatusCode.NotFound);

        Assert.Equal(other.Version, (await Read(other.Id)).Version);
        Assert.Equal(primary.Version, (await Read(primary.Id)).Version);
        Assert.Equal(IncidentStatus.Cancelled, (await Read(cancelled.Id)).Status);
    }

    [Fact]
    public async Task A_scoped_operator_merges_only_inside_its_area_and_a_case_outside_is_not_confirmed()
    {
        var mine = await Delivered("sanitation", "D01-S01-C01-G01-B002");
        var alsoMine = await Delivered("sanitation", "D01-S01-C01-G02-B003");
        var outside = await Delivered("sanitation", "D01-S01-C02-G01-B001");
        var c01 = gateway.ClientFor(GatewayFactory.OperatorC01);

        await Problem(await c01.PostAsJsonAsync($"/api/v1/incidents/{outside.Id}/merge", new { into = mine.Id, reason = "same heap" }), HttpStatusCode.NotFound);
        await Problem(await c01.PostAsJsonAsync($"/api/v1/incidents/{outside.Id}/unmerge", new { reason = "wrong merge" }), HttpStatusCode.NotFound);
        var intoOutside = await Problem(await c01.PostAsJsonAsync($"/api/v1/incidents/{mine.Id}/merge", new { into = outside.Id, reason = "same heap" }), HttpStatusCode.UnprocessableEntity);
        var intoUnknown = await Problem(await c01.PostAsJsonAsync($"/api/v1/incidents/{mine.Id}/merge", new { into = UnknownId, reason = "same heap" }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("into", intoOutside.GetProperty("field").GetString());
        Assert.Equal(intoUnknown.GetProperty("detail").GetString()!.Replace(UnknownId, outside.Id, StringComparison.Ordinal), intoOutside.GetProperty("detail").GetString());
        Assert.Equal(mine.Version, (await Read(mine.Id)).Version);
        Assert.Equal(outside.Version, (await Read(outside.Id)).Version);

        var merged = await c01.PostAsJsonAsync($"/api/v1/incidents/{alsoMine.Id}/merge", new { into = mine.Id, reason = "same heap" });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal([alsoMine.Id], (await Read(mine.Id)).Duplicates);
    }
}
