using System.Net;
using System.Text;

namespace Dispatch.Gateway.Tests;

/// <summary>Every role against every endpoint: who is let through, who gets 401 or 403.</summary>
public sealed class AuthorizationMatrixTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Unknown = "/api/v1/incidents/20261123-000000000000";

    // Roles: H hotline, W worker (acting on itself, W000001), O operator, A admin.
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "POST", "/api/v1/incidents", "HWOA" },
        { "GET", "/api/v1/incidents", "HWOA" },
        { "GET", Unknown, "HWOA" },
        { "POST", $"{Unknown}/accept", "WOA" },
        { "POST", $"{Unknown}/reject", "WOA" },
        { "POST", $"{Unknown}/notes", "WOA" },
        { "POST", $"{Unknown}/resolve", "WOA" },
        { "POST", $"{Unknown}/contact", "WOA" },
        { "POST", $"{Unknown}/return", "WOA" },
        { "POST", $"{Unknown}/route", "OA" },
        { "POST", $"{Unknown}/confirm", "WOA" },
        { "POST", $"{Unknown}/extension", "WOA" },
        { "POST", $"{Unknown}/extension/decision", "OA" },
        { "POST", $"{Unknown}/park", "OA" },
        { "POST", $"{Unknown}/unpark", "OA" },
        { "POST", $"{Unknown}/appeal", "HOA" },
        { "POST", $"{Unknown}/co-units", "OA" },
        { "POST", $"{Unknown}/parts/police", "OA" },
        { "POST", $"{Unknown}/parts/police/hand-back", "OA" },
        { "POST", $"{Unknown}/verify", "OA" },
        { "POST", $"{Unknown}/close", "OA" },
        { "POST", $"{Unknown}/cancel", "OA" },
        { "POST", $"{Unknown}/supervise", "OA" },
        { "POST", $"{Unknown}/reassign", "OA" },
        { "POST", $"{Unknown}/rate", "HOA" },
        { "POST", $"{Unknown}/merge", "OA" },
        { "POST", $"{Unknown}/unmerge", "OA" },
        { "GET", "/api/v1/grids/D01-S01-C01-G01/desk", "HOA" },
        { "GET", "/api/v1/grids/D01-S01-C01-G01/visits", "HOA" },
        { "PUT", "/api/v1/grids/D01-S01-C01-G01/visits", "OA" },
        { "GET", "/api/v1/desks/community:D01-S01-C01", "HOA" },
        { "GET", "/api/v1/statistics/street:D01-S01", "HOA" },
        { "GET", "/api/v1/statistics/street:D01-S01?month=2026-11", "HOA" },
        { "GET", "/api/v1/assessment?level=street", "HOA" },
        { "GET", "/api/v1/workers/W000001", "WOA" },
        { "PUT", "/api/v1/workers/W000001/duty", "WOA" },
        { "GET", "/api/v1/catalog", "HWOA" },
        { "GET", "/api/v1/territory", "HWOA" },
        { "GET", "/api/v1/territory/areas/D01-S01", "HWOA" },
        { "GET", "/api/v1/territory/grids/D01-S01-C01-G01", "HWOA" },
        { "GET", "/api/v1/territory/buildings/D01-S01-C01-G01-B001", "HWOA" },
        { "GET", "/api/v1/territory/buildings?q=road", "HWOA" },
        { "GET", "/api/v1/territory/locate?longitude=0&latitude=0", "HWOA" },
        { "GET", "/api/v1/feed", "OA" },
        { "POST", "/api/v1/admin/keys", "A" },
        { "GET", "/api/v1/admin/keys", "A" },
        { "GET", "/api/v1/admin/keys/k-000000000000", "A" },
        { "PUT", "/api/v1/admin/keys/k-000000000000/scope", "A" },
        { "DELETE", "/api/v1/admin/keys/k-000000000000", "A" },
        { "GET", "/api/v1/session", "HWOA" },
        { "GET", "/api/v1/territory/map", "HWOA" },
    };

    private static readonly Dictionary<char, string> Keys = new()
    {
        ['H'] = GatewayFactory.Hotline,
        ['W'] = GatewayFactory.Worker1,
        ['O'] = GatewayFactory.Operator,
        ['A'] = GatewayFactory.Admin,
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_role_is_let_through_or_refused_as_the_matrix_says(string method, string path, string allowed)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(gateway.CreateClient(), method, path));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(gateway.ClientFor("not-a-key"), method, path));

        foreach (var (role, key) in Keys)
        {
            var status = await Send(gateway.ClientFor(key), method, path);
            if (allowed.Contains(role, StringComparison.Ordinal))
            {
                // Let through: the answer is about the request (200, 404 unknown case, 422 empty body), never about the key.
                Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{role} {method} {path}: {status}");
            }
            else
            {
                Assert.True(status == HttpStatusCode.Forbidden, $"{role} {method} {path}: expected 403, got {status}");
            }
        }
    }

    [Theory]
    [InlineData("GET", "/api/v1/workers/W000002")]
    [InlineData("PUT", "/api/v1/workers/W000002/duty")]
    [InlineData("GET", "/api/v1/incidents?worker=W000002")]
    public async Task A_worker_key_cannot_reach_another_worker(string method, string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, await Send(gateway.ClientFor(GatewayFactory.Worker1), method, path));
        Assert.NotEqual(HttpStatusCode.Forbidden, await Send(gateway.ClientFor(GatewayFactory.Operator), method, path));
    }

    [Theory]
    [InlineData("/alive")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/")]
    public async Task Probes_and_the_api_description_need_no_key(string path)
    {
        Assert.Equal(HttpStatusCode.OK, await Send(gateway.CreateClient(), "GET", path));
    }

    private static async Task<HttpStatusCode> Send(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // The feed streams; its status is known once the headers arrive.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
