using System.Net;
using System.Net.Http.Json;
using Dispatch.Gateway.Apis;
using Microsoft.Extensions.Time.Testing;

namespace Dispatch.Gateway.Tests;

/// <summary>Issued keys, their scopes and revocations are in the system's own storage: a restarted gateway honours them at its first request.</summary>
public sealed class KeyringRestartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-keyring-{Guid.NewGuid():N}");

    [Fact]
    public async Task Issued_scoped_and_revoked_keys_hold_after_a_restart_on_SQLite()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        IssuedKeyResponse kept, revoked;
        await using (var first = new SqliteGatewayFactory(_folder, clock))
        {
            await first.InitializeAsync();
            var admin = first.ClientFor(GatewayFactory.Admin);
            kept = await Issue(admin, new { name = "c02 operator", role = "operator", scope = "community:D01-S01-C02" });
            revoked = await Issue(admin, new { name = "gone", role = "hotline" });
            (await admin.DeleteAsync($"/api/v1/admin/keys/{revoked.Info.Id}")).EnsureSuccessStatusCode();
        }

        await using var second = new SqliteGatewayFactory(_folder, clock);
        await second.InitializeAsync();
        var inside = await Reports.File(second, "sanitation", "D01-S01-C02-G01-B001");
        var outside = await Reports.File(second, "sanitation", "D01-S01-C01-G01-B001");
        var operatorKey = second.ClientFor(kept.Key);
        Assert.Equal(HttpStatusCode.OK, (await operatorKey.GetAsync($"/api/v1/incidents/{inside.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorKey.GetAsync($"/api/v1/incidents/{outside.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.ClientFor(revoked.Key).GetAsync("/api/v1/catalog")).StatusCode);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<IssuedKeyResponse> Issue(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/admin/keys", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IssuedKeyResponse>(GatewayFactory.Json))!;
    }
}
