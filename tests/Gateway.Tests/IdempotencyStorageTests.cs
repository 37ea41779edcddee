using System.Net;
using System.Net.Http.Json;
using Dispatch.Gateway.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Dispatch.Gateway.Tests;

/// <summary>What an idempotency key leaves in the embedded gateway's SQLite file.</summary>
public sealed class IdempotencyStorageTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-idempotency-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_refused_report_writes_no_idempotency_row_and_an_accepted_one_does()
    {
        await using var gateway = new SqliteGatewayFactory(_folder, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await gateway.InitializeAsync();
        var hotline = gateway.ClientFor(GatewayFactory.Hotline);

        var refused = await hotline.SendAsync(Post(Reports.Body("unicorns"), "call-refused-row"));
        var noBuilding = await hotline.SendAsync(Post(Reports.Body("noise", building: "D09-S09-C09-G09-B999"), "call-refused-row-2"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noBuilding.StatusCode);
        Assert.Equal(0, await Rows("call-refused-row"));

        var accepted = await hotline.SendAsync(Post(Reports.Body("noise"), "call-accepted-row"));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(1, await Rows("call-accepted-row"));
    }

    private static HttpRequestMessage Post(object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(body) };
        request.Headers.Add(IdempotencyKeys.Header, key);
        return request;
    }

    /// <summary>Grain state rows whose grain key holds <paramref name="key"/> (string keys are stored whole).</summary>
    private async Task<long> Rows(string key)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "dispatch.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString LIKE '%' || $key || '%'";
        command.Parameters.AddWithValue("$key", key);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
