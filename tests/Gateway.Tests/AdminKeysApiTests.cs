using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dispatch.Access;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.Gateway.Tests;

/// <summary>Keys issued, listed, scoped and revoked at run time through <c>/api/v1/admin/keys</c>; kept only as hashes.</summary>
public sealed class AdminKeysApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Keys = "/api/v1/admin/keys";

    private HttpClient Admin => gateway.ClientFor(GatewayFactory.Admin);

    [Fact]
    public async Task An_issued_scoped_operator_key_works_at_once_and_only_inside_its_area()
    {
        var issued = await Issue(new { name = "c01 night desk", role = "operator", scope = "community:D01-S01-C01" });
        Assert.Matches("^[0-9a-f]{64}$", issued.Key);
        Assert.Equal("community:D01-S01-C01", issued.Info.Scope);
        Assert.Equal(AdminKeysApi.Issued, issued.Info.Source);
        Assert.Equal("admin", issued.Info.IssuedBy);

        var inside = await Reports.File(gateway, "sanitation", "D01-S01-C01-G01-B001");
        var outside = await Reports.File(gateway, "sanitation", "D01-S01-C02-G02-B001");
        var client = gateway.ClientFor(issued.Key);
        var read = await client.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{inside.Id}", GatewayFactory.Json);
        Assert.Equal("13900000000", read!.Reporters[0].Phone);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);

        // The timeline names the key's holder.
        var noted = await client.PostAsJsonAsync($"/api/v1/incidents/{inside.Id}/supervise", new { note = "call the resident back" });
        noted.EnsureSuccessStatusCode();
        Assert.Contains((await noted.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!.Timeline, t => t.Actor == "operator:c01 night desk");
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_stays_listed_as_revoked()
    {
        var issued = await Issue(new { name = "temp hotline", role = "hotline" });
        var client = gateway.ClientFor(issued.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/catalog")).StatusCode);

        var revoked = await Admin.DeleteAsync($"{Keys}/{issued.Info.Id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.NotNull((await revoked.Content.ReadFromJsonAsync<KeyInfo>(GatewayFactory.Json))!.RevokedAt);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/catalog")).StatusCode);
        Assert.Contains(gateway.AccessLogs.Lines, l => l.Contains(issued.Info.Id, StringComparison.Ordinal) && l.Contains("revoked", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.AccessLogs.Lines, l => l.Contains(issued.Key, StringComparison.Ordinal));

        var listed = (await Admin.GetFromJsonAsync<KeyListResponse>(Keys, GatewayFactory.Json))!.Items.Single(k => k.Id == issued.Info.Id);
        Assert.Equal("admin", listed.RevokedBy);

        // Revoking again changes nothing; a revoked key cannot be scoped.
        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync($"{Keys}/{issued.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Admin.PutAsJsonAsync($"{Keys}/{issued.Info.Id}/scope", new { scope = "district:D01" })).StatusCode);
    }

    [Fact]
    public async Task Scoping_an_issued_key_narrows_what_it_sees_and_clearing_it_gives_back_the_city()
    {
        var issued = await Issue(new { name = "roaming operator", role = "operator" });
        var outside = await Reports.File(gateway, "sanitation", "D01-S01-C02-G01-B003");
        var client = gateway.ClientFor(issued.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);

        var scoped = await Admin.PutAsJsonAsync($"{Keys}/{issued.Info.Id}/scope", new { scope = "community:D01-S01-C01" });
        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Admin.PutAsJsonAsync($"{Keys}/{issued.Info.Id}/scope", new { scope = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);
    }

    [Fact]
    public async Task The_keyring_keeps_the_hash_of_a_key_never_the_key_and_the_list_never_shows_it()
    {
        var issued = await Issue(new { name = "patrol W000002", role = "worker", workerId = "W000002" });
        var keyring = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IKeyringGrain>(0).GetIfChanged(-1);
        var stored = keyring!.Keys.Single(k => k.Id == issued.Info.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Key))), stored.Hash);
        Assert.DoesNotContain(issued.Key, JsonSerializer.Serialize(keyring), StringComparison.Ordinal);

        var list = await Admin.GetStringAsync(Keys);
        Assert.Contains(issued.Info.Id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Key, list, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayFactory.Operator, list, StringComparison.Ordinal);

        // Configured keys are listed by name, and are changed only in the configuration.
        var items = JsonSerializer.Deserialize<KeyListResponse>(list, GatewayFactory.Json)!.Items;
        Assert.Contains(items, k => k.Id == "c01-operator" && k.Source == AdminKeysApi.Configured && k.Scope == "community:D01-S01-C01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Admin.DeleteAsync($"{Keys}/duty-officer")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/catalog")).StatusCode);

        // The worker key acts as its worker.
        Assert.Equal(HttpStatusCode.OK, (await gateway.ClientFor(issued.Key).GetAsync("/api/v1/workers/W000002")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(issued.Key).GetAsync("/api/v1/workers/W000001")).StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"operator"}""", "name")]
    [InlineData("""{"name":"x","role":"boss"}""", "role")]
    [InlineData("""{"name":"x","role":"worker"}""", "workerId")]
    [InlineData("""{"name":"x","role":"worker","workerId":"W999999"}""", "workerId")]
    [InlineData("""{"name":"x","role":"operator","workerId":"W000001"}""", "workerId")]
    [InlineData("""{"name":"x","role":"admin","scope":"district:D01"}""", "scope")]
    [InlineData("""{"name":"x","role":"operator","scope":"grid:D01-S01-C01-G01"}""", "scope")]
    [InlineData("""{"name":"x","role":"operator","scope":"community:D09-S09-C09"}""", "scope")]
    [InlineData("""{"name":"x","role":"operator","scope":"street:D01-S01-C01"}""", "scope")]
    public async Task A_key_that_cannot_be_issued_is_422_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var before = (await Admin.GetFromJsonAsync<KeyListResponse>(Keys, GatewayFactory.Json))!.Items.Count;
        var response = await Admin.PostAsync(Keys, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(before, (await Admin.GetFromJsonAsync<KeyListResponse>(Keys, GatewayFactory.Json))!.Items.Count);
    }

    [Fact]
    public async Task Unknown_keys_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"{Keys}/k-000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.DeleteAsync($"{Keys}/k-000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PutAsJsonAsync($"{Keys}/k-000000000000/scope", new { scope = "district:D01" })).StatusCode);
    }

    private async Task<IssuedKeyResponse> Issue(object body)
    {
        var response = await Admin.PostAsJsonAsync(Keys, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IssuedKeyResponse>(GatewayFactory.Json))!;
    }
}
