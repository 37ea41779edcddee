using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Dispatch.Cluster.Tests;

/// <summary>
/// PostgreSQL stopped at once under load and started again within the gateway's call budget: no
/// report is answered 500, a refusal is only 503 with Retry-After, and every acknowledged report is
/// in the journal.
/// </summary>
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    private const string HotlineKey = "dbrestart-hotline-key";
    private static readonly TimeSpan FlowFor = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan StopAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DownFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_database_restart_under_load_is_ridden_out_or_answered_503_never_500()
    {
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        await using var cluster = await LocalCluster.StartAsync(new Dictionary<string, string>
        {
            ["Dispatch__DemoCity__Districts"] = "1",
            ["Dispatch__DemoCity__StreetsPerDistrict"] = "1",
            ["Dispatch__DemoCity__CommunitiesPerStreet"] = "2",
            ["Dispatch__DemoCity__GridsPerCommunity"] = "5",
            ["Dispatch__DemoCity__BuildingsPerGrid"] = "30",
            ["Dispatch__DemoCity__WorkersPerGrid"] = "2",
            ["Gateway__ApiKeys__0__Key"] = HotlineKey,
            ["Gateway__ApiKeys__0__Name"] = "dbrestart-hotline",
            ["Gateway__ApiKeys__0__Role"] = "hotline",
            ["Logging__LogLevel__Default"] = "Warning",
        }, readyWithin: TimeSpan.FromMinutes(4));
        try
        {
            using var http = new HttpClient { BaseAddress = cluster.Http, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", HotlineKey);

            // /health is ready once the map is current, and the map is committed after the demo city's
            // desks, buildings and workers: every building is there already (a report at one still
            // loading would be refused, 422).
            await AssertAllBuildingsLoadedAsync(http);

            var answers = new ConcurrentBag<(int Status, string? Id, bool RetryAfter, string Body, TimeSpan Took)>();
            var sends = new List<Task>();
            var clock = Stopwatch.StartNew();
            var outage = Task.Run(async () =>
            {
                await Task.Delay(StopAfter);
                await cluster.DatabaseAsync(running: false);
                await Task.Delay(DownFor);
                await cluster.DatabaseAsync(running: true);
            });
            for (var n = 0; clock.Elapsed < FlowFor; n++)
            {
                var building = $"D01-S01-C{n % 2 + 1:D2}-G{n / 2 % 5 + 1:D2}-B{n / 10 % 30 + 1:D3}";
                sends.Add(Send(http, building, answers));
                var next = ReportEvery * (n + 1) - clock.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
            }

            await outage;
            await Task.WhenAll(sends);

            var byStatus = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine("answers: " + string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key} x {p.Value}")));
            var slowest = answers.Max(a => a.Took);
            Console.WriteLine("[db-restart] answers: " + string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key} x {p.Value}"))
                + $"; slowest {slowest.TotalSeconds:F1} s");

            Assert.All(answers, a => Assert.True(a.Status is 201 or 503, $"{a.Status}: {a.Body}"));
            Assert.All(answers.Where(a => a.Status == 503), a => Assert.True(a.RetryAfter, "a 503 without Retry-After"));

            // The reports sent while the database was down waited for it: the outage did happen.
            Assert.True(slowest > DownFor / 2, $"the slowest answer took {slowest.TotalSeconds:F1} s: was the database stopped?");

            var acknowledged = answers.Where(a => a.Status == 201).Select(a => a.Id!).ToList();
            Assert.NotEmpty(acknowledged);
            var stored = await cluster.StoredIncidentsAsync(acknowledged);
            Assert.Equal(acknowledged.Count, stored.Count);
        }
        catch (Exception failure)
        {
            output.WriteLine(cluster.Output);
            output.WriteLine(cluster.Logs(80));
            output.WriteLine($"FAILED: {failure.Message}");
            throw;
        }
    }

    private static async Task AssertAllBuildingsLoadedAsync(HttpClient http)
    {
        var missing = new List<string>();
        foreach (var building in from community in Enumerable.Range(1, 2)
                                 from grid in Enumerable.Range(1, 5)
                                 from building in Enumerable.Range(1, 30)
                                 select $"D01-S01-C{community:D2}-G{grid:D2}-B{building:D3}")
        {
            using var response = await http.GetAsync($"/api/v1/territory/buildings/{building}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                missing.Add(building);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of the demo city's buildings not loaded when /health was ready, first {missing.FirstOrDefault()}");
    }

    private static async Task Send(HttpClient http, string building, ConcurrentBag<(int, string?, bool, string, TimeSpan)> answers)
    {
        var took = Stopwatch.StartNew();
        var response = await http.PostAsJsonAsync("/api/v1/incidents", new
        {
            category = "noise",
            description = "Database restart drill",
            reporter = new { name = "Resident Wang", phone = "13900000000" },
            channel = "Hotline",
            location = new { buildingId = building },
        });
        var body = await response.Content.ReadAsStringAsync();
        string? id = null;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            using var document = JsonDocument.Parse(body);
            id = document.RootElement.GetProperty("id").GetString();
        }

        answers.Add(((int)response.StatusCode, id, response.Headers.RetryAfter is not null, body.Length > 300 ? body[..300] : body, took.Elapsed));
    }

}
