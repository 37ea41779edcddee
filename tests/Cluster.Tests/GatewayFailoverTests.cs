using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Testing;
using Npgsql;
using Xunit.Abstractions;
using static Dispatch.Testing.Polling;

namespace Dispatch.Cluster.Tests;

/// <summary>
/// Two gateways side by side in front of one cluster: a key issued or revoked through one holds at the
/// other, and killing one gateway under a steady flow of reports loses nothing and refuses nothing —
/// the client sends what the dead one did not answer to the other, under the same Idempotency-Key.
/// </summary>
public sealed class GatewayFailoverTests(ITestOutputHelper output)
{
    private const string HotlineKey = "gateway-failover-hotline-key";
    private const string AdminKey = "gateway-failover-admin-key";
    private const int Reports = 150;
    private const int KillAfter = 50;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(60);

    [Fact]
    public async Task Killing_one_of_two_gateways_loses_no_report_and_the_other_takes_them_all()
    {
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        await using var cluster = await LocalCluster.StartAsync(Settings(), readyWithin: TimeSpan.FromMinutes(4));
        try
        {
            Assert.Equal(2, cluster.Gateways.Count);
            using var first = Client(cluster.Gateways[0]);
            using var second = Client(cluster.Gateways[1]);
            await KeysHoldAcrossGateways(first, second);

            var started = DateTimeOffset.UtcNow.AddMinutes(-1);
            var (acknowledged, refused, retried) = await ReportWhileKilling(cluster, [first, second]);
            output.WriteLine($"reports acknowledged: {acknowledged.Count}/{Reports}; sent again to the other gateway: {retried}; refused: {string.Join("; ", refused)}");
            Assert.Empty(refused);
            Assert.Equal(Reports, acknowledged.Count);
            // Each report is one case: a resent report was answered with the case it had registered, if it had.
            Assert.Equal(Reports, acknowledged.Values.Distinct().Count());

            var stored = await cluster.StoredIncidentsAsync(acknowledged.Values);
            Assert.Equal(Reports, stored.Count);

            // And no report registered a second case the client was never told of.
            var listed = await Eventually(() => Register(first, started), cases => cases.Count >= Reports, "every report in the register", TimeSpan.FromMinutes(1));
            Assert.Equal(Reports, listed.Count);
            Assert.Equal(acknowledged.Values.Order(), listed.Order());
        }
        catch (Exception failure)
        {
            output.WriteLine(cluster.Output);
            output.WriteLine(cluster.Logs(60));
            output.WriteLine($"FAILED: {failure.Message}");
            throw;
        }
    }

    private static Dictionary<string, string> Settings() => new()
    {
        ["DISPATCH_GATEWAYS"] = "2",
        ["DISPATCH_SILOS"] = "2",
        ["Dispatch__DemoCity__Districts"] = "1",
        ["Dispatch__DemoCity__StreetsPerDistrict"] = "1",
        ["Dispatch__DemoCity__CommunitiesPerStreet"] = "2",
        ["Dispatch__DemoCity__GridsPerCommunity"] = "2",
        ["Dispatch__DemoCity__BuildingsPerGrid"] = "5",
        ["Dispatch__DemoCity__WorkersPerGrid"] = "2",
        ["Gateway__ApiKeys__0__Key"] = HotlineKey,
        ["Gateway__ApiKeys__0__Name"] = "gateway-failover-hotline",
        ["Gateway__ApiKeys__0__Role"] = "hotline",
        ["Gateway__ApiKeys__1__Key"] = AdminKey,
        ["Gateway__ApiKeys__1__Name"] = "gateway-failover-admin",
        ["Gateway__ApiKeys__1__Role"] = "admin",
        ["Gateway__KeyRefreshInterval"] = "00:00:01",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static HttpClient Client(Uri gateway) => new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A key issued through gateway 1 works at gateway 2 once it has looked; revoked through 1, it is refused at 1 at once and at 2 after its look.</summary>
    private static async Task KeysHoldAcrossGateways(HttpClient first, HttpClient second)
    {
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys") { Content = JsonContent.Create(new { name = "shift operator", role = "operator" }) };
        issue.Headers.Add("X-Api-Key", AdminKey);
        using var issued = await first.SendAsync(issue);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        using var body = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
        var key = body.RootElement.GetProperty("key").GetString()!;
        var id = body.RootElement.GetProperty("info").GetProperty("id").GetString()!;

        await Eventually(() => Status(second, key), s => s == HttpStatusCode.OK, "the issued key accepted by the other gateway");

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/admin/keys/{id}");
        revoke.Headers.Add("X-Api-Key", AdminKey);
        (await first.SendAsync(revoke)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(first, key));
        await Eventually(() => Status(second, key), s => s == HttpStatusCode.Unauthorized, "the revoked key refused by the other gateway");
    }

    private static async Task<HttpStatusCode> Status(HttpClient gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog");
        request.Headers.Add("X-Api-Key", key);
        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Reports at a steady rate, each to the next gateway in turn as a balancer would, and kills gateway 2 partway.</summary>
    private async Task<(ConcurrentDictionary<int, string> Acknowledged, ConcurrentBag<string> Refused, int Retried)> ReportWhileKilling(LocalCluster cluster, HttpClient[] gateways)
    {
        var acknowledged = new ConcurrentDictionary<int, string>();
        var refused = new ConcurrentBag<string>();
        var retried = 0;
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < Reports; n++)
        {
            if (n == KillAfter)
            {
                await cluster.KillGatewayAsync(2);
                output.WriteLine($"gateway 2 killed at {clock.Elapsed.TotalSeconds:F1} s, after {n} reports");
            }

            var report = n;
            inFlight.Add(Task.Run(async () =>
            {
                // A client that lost its gateway sends the same report, with the same key, to the other.
                for (var attempt = 0; attempt < 6; attempt++)
                {
                    var gateway = gateways[(report + attempt) % gateways.Length];
                    try
                    {
                        using var response = await gateway.SendAsync(Report(report));
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                        {
                            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                            acknowledged[report] = body.RootElement.GetProperty("id").GetString()!;
                            return;
                        }

                        if ((int)response.StatusCode < 500)
                        {
                            refused.Add($"report {report}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            return;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Refused or cut off: the gateway is gone. Send it to the other.
                    }

                    Interlocked.Increment(ref retried);
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                }

                refused.Add($"report {report}: no gateway took it in 6 attempts");
            }));
            var next = ReportEvery * (n + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }

        await Task.WhenAll(inFlight);
        return (acknowledged, refused, retried);
    }

    private static HttpRequestMessage Report(int n)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new
            {
                category = "sanitation",
                description = $"Gateway failover report {n}",
                reporter = new { name = "Resident Zhao", phone = $"137{n:D8}" },
                channel = "Hotline",
                location = new { buildingId = $"D01-S01-C0{1 + (n % 2)}-G0{1 + (n / 2 % 2)}-B00{1 + (n / 4 % 5)}" },
            }),
        };
        request.Headers.Add("X-Api-Key", HotlineKey);
        request.Headers.Add("Idempotency-Key", $"gateway-failover-{n}");
        return request;
    }

    /// <summary>Every case in the register reported since <paramref name="since"/>.</summary>
    private static async Task<List<string>> Register(HttpClient gateway, DateTimeOffset since)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/incidents?limit=200&from={Uri.EscapeDataString(since.ToString("O"))}" + (cursor is null ? "" : $"&cursor={cursor}");
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Api-Key", AdminKey);
            using var response = await gateway.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }

}
