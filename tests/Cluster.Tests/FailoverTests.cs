using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dispatch.Testing;
using Dispatch.Territory;
using Dispatch.Workforce;
using Npgsql;
using Xunit.Abstractions;

namespace Dispatch.Cluster.Tests;

/// <summary>
/// Three silo processes and the gateway on PostgreSQL; reports flow at a steady rate while one silo
/// is killed with SIGKILL. Every acknowledged report must be stored, reach a worker, and have its
/// deadline escalate — measured across real processes, so the clocks here are real too (the
/// resolve limit is shortened to seconds through a catalog file instead).
/// </summary>
public sealed partial class FailoverTests(ITestOutputHelper output)
{
    private const string HotlineKey = "failover-hotline-key";
    private const string AdminKey = "failover-admin-key";
    private const string Category = "sanitation";

    private static readonly TimeSpan ResolveWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FlowFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan EscalationWithin = TimeSpan.FromSeconds(5);
    private const int DeadSilo = 6;

    private static readonly DemoCityOptions City = new()
    {
        Enabled = true,
        Districts = 1,
        StreetsPerDistrict = 2,
        CommunitiesPerStreet = 2,
        GridsPerCommunity = 5,
        // One building per report: a second report on the same building and category is merged, not dispatched.
        BuildingsPerGrid = 20,
        WorkersPerGrid = 3,
    };

    [Fact]
    public async Task Killing_a_silo_loses_no_acknowledged_report_and_no_deadline()
    {
        using var turn = await WholeClusterTurn.TakeAsync(TimeSpan.FromMinutes(15));
        var catalog = WriteCatalog();
        await using var cluster = await LocalCluster.StartAsync(Settings(catalog), readyWithin: TimeSpan.FromMinutes(4));
        try
        {
            using var http = new HttpClient { BaseAddress = cluster.Http, Timeout = TimeSpan.FromSeconds(60) };
            await PutGridWorkersOnDuty(http);

            using var watching = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var declaredDead = WhenDeclaredDead(cluster, silo: 2, watching.Token);
            var (acknowledged, refusals) = await ReportWhileKilling(http, cluster);
            output.WriteLine($"reports acknowledged: {acknowledged.Count}; refused: {Describe(refusals)}");
            Assert.True(acknowledged.Count >= FlowFor / ReportEvery * 0.9, $"only {acknowledged.Count} reports were acknowledged");
            // The two silos left can take every report: a 503 is only right while no silo is reachable.
            Assert.Empty(refusals);

            var stored = await cluster.StoredIncidentsAsync(acknowledged.Keys);
            var dispatched = await WaitFor(http, acknowledged.Keys, c => c.Assignee is not null, TimeSpan.FromMinutes(2));
            var lost = acknowledged.Keys.Where(id => !stored.Contains(id) || !dispatched.ContainsKey(id)).ToList();
            output.WriteLine($"lost reports: {lost.Count} (not stored: {acknowledged.Count - stored.Count}, never reached a worker: {acknowledged.Count - dispatched.Count})");
            Console.WriteLine($"[failover] acknowledged {acknowledged.Count}, lost {lost.Count}");
            foreach (var id in lost.Take(5))
            {
                output.WriteLine($"{id}: {await Describe(http, id)}");
            }

            Assert.Empty(lost);

            // Every resolve deadline passes during or after the kill (reports ran from 10 s before it).
            var escalated = await WaitFor(http, acknowledged.Keys, c => c.EscalatedAt is not null, TimeSpan.FromMinutes(4));
            var dead = await declaredDead;
            output.WriteLine($"silo 2 declared dead at {dead:O}");
            var lateness = escalated.Values.Select(c => (c.EscalatedAt!.Value - c.ResolveDue).TotalSeconds).Order().ToList();
            output.WriteLine($"deadlines escalated: {escalated.Count}/{acknowledged.Count}; lateness s p50 {Percentile(lateness, 0.5):F1}, p99 {Percentile(lateness, 0.99):F1}, max {lateness.LastOrDefault():F1}");
            Console.WriteLine($"[failover] escalated {escalated.Count}/{acknowledged.Count}, lateness max {lateness.LastOrDefault():F1} s");
            Assert.Equal(acknowledged.Count, escalated.Count);
            Assert.All(escalated.Values, c => Assert.True(c.EscalatedAt >= c.ResolveDue, $"{c.Id} escalated at {c.EscalatedAt:O}, before its deadline {c.ResolveDue:O}"));

            // No deadline waits for a reminder: each fires within seconds of its deadline or of the
            // dead silo's death being declared, whichever is later.
            var late = escalated.Values.Where(c => c.EscalatedAt - Max(c.ResolveDue, dead) > EscalationWithin).ToList();
            Assert.True(late.Count == 0, $"{late.Count} escalations came more than {EscalationWithin.TotalSeconds} s after max(deadline, death declared at {dead:O}): "
                + string.Join("; ", late.Take(5).Select(c => $"{c.Id} due {c.ResolveDue:O} escalated {c.EscalatedAt:O}")));
        }
        catch (Exception failure)
        {
            output.WriteLine(cluster.Output);
            output.WriteLine(cluster.Logs(80));
            // Again at the end, where a CI log that keeps only the tail still shows it.
            output.WriteLine($"FAILED: {failure.Message}");
            throw;
        }
    }

    private static Dictionary<string, string> Settings(string catalog) => new()
    {
        ["Dispatch__CatalogPath"] = catalog,
        ["Dispatch__DemoCity__Districts"] = City.Districts.ToString(),
        ["Dispatch__DemoCity__StreetsPerDistrict"] = City.StreetsPerDistrict.ToString(),
        ["Dispatch__DemoCity__CommunitiesPerStreet"] = City.CommunitiesPerStreet.ToString(),
        ["Dispatch__DemoCity__GridsPerCommunity"] = City.GridsPerCommunity.ToString(),
        ["Dispatch__DemoCity__BuildingsPerGrid"] = City.BuildingsPerGrid.ToString(),
        ["Dispatch__DemoCity__WorkersPerGrid"] = City.WorkersPerGrid.ToString(),
        ["Gateway__ApiKeys__0__Key"] = HotlineKey,
        ["Gateway__ApiKeys__0__Name"] = "failover-hotline",
        ["Gateway__ApiKeys__0__Role"] = "hotline",
        ["Gateway__ApiKeys__1__Key"] = AdminKey,
        ["Gateway__ApiKeys__1__Name"] = "failover-admin",
        ["Gateway__ApiKeys__1__Role"] = "admin",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>
    /// The shipped catalog with the test category's resolve limit cut to seconds, and without its
    /// first-contact stage (a catalog refuses one longer than the resolve limit).
    /// </summary>
    private static string WriteCatalog()
    {
        var shipped = File.ReadAllText(Path.Combine(LocalCluster.RepositoryRoot, "src", "Grains.Interfaces", "Catalog", "catalog.json"));
        var line = SanitationResolveWithin().Match(shipped);
        Assert.True(line.Success, "the shipped catalog's sanitation line changed; update the test");
        // In clock time: the test runs at any hour, and a limit in working time would not fall due at night.
        var text = shipped.Replace(line.Value, $"{line.Groups[1].Value}\"{ResolveWithin:hh\\:mm\\:ss}\", \"limitUnit\": \"Continuous\"");
        var path = Path.Combine(Path.GetTempPath(), $"dispatch-failover-catalog-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// The generated city leaves some grid workers off duty; every grid needs one for every report to
    /// reach a worker. The gateway is ready once the map is loaded; silo 1 loads the workers after it,
    /// so a worker not there yet is asked again.
    /// </summary>
    private static async Task PutGridWorkersOnDuty(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        foreach (var worker in new DemoCityGenerator(City).Workers().Where(w => w.Role == WorkerRole.GridWorker))
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/workers/{worker.Id}/duty") { Content = JsonContent.Create(new { onDuty = true }) };
                request.Headers.Add("X-Api-Key", AdminKey);
                using var response = await http.SendAsync(request);
                if (response.StatusCode != System.Net.HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
                {
                    response.EnsureSuccessStatusCode();
                    break;
                }

                await Task.Delay(250);
            }
        }
    }

    /// <summary>Reports at a steady rate, not waiting for answers, and kills silo 2 partway.</summary>
    private async Task<(ConcurrentDictionary<string, bool> Acknowledged, ConcurrentBag<string> Refusals)> ReportWhileKilling(HttpClient http, LocalCluster cluster)
    {
        // Reports before the kill go to one half of the grids and reports after it to the other, so
        // the desks of the first half that die with the silo are not brought back by new reports:
        // only the survivors' wake (or, too late, their reminders) brings them back.
        var generator = new DemoCityGenerator(City);
        var firstHalf = generator.Grids().Select(g => g.Id).Take((int)City.TotalGrids / 2).ToHashSet();
        var beforeKill = generator.Buildings().Where(b => firstHalf.Contains(b.GridId)).Select(b => b.Id).ToArray();
        var afterKill = generator.Buildings().Where(b => !firstHalf.Contains(b.GridId)).Select(b => b.Id).ToArray();
        Assert.True(beforeKill.Length >= KillAfter / ReportEvery && afterKill.Length >= (FlowFor - KillAfter) / ReportEvery, "every report needs a building of its own");
        var killedAt = int.MaxValue;
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var refusals = new ConcurrentBag<string>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        // A fixed number of reports, not "until the time is up": on a slow machine the loop can run
        // late and squeeze in one more, which would reuse a building and be merged, never assigned.
        var reports = (int)(FlowFor / ReportEvery);
        for (var n = 0; n < reports; n++)
        {
            if (n == (int)(KillAfter / ReportEvery))
            {
                await cluster.KillSiloAsync(2);
                output.WriteLine($"silo 2 killed at {clock.Elapsed.TotalSeconds:F1} s ({DateTimeOffset.UtcNow:O}), after {n} reports");
                killedAt = n;
            }

            var building = n < killedAt ? beforeKill[n % beforeKill.Length] : afterKill[(n - killedAt) % afterKill.Length];
            inFlight.Add(Report(http, building, n, acknowledged, refusals));
            var next = ReportEvery * (n + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }

        await Task.WhenAll(inFlight);
        return (acknowledged, refusals);
    }

    private static async Task Report(HttpClient http, string building, int n, ConcurrentDictionary<string, bool> acknowledged, ConcurrentBag<string> refusals)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new
            {
                category = Category,
                description = $"Failover report {n}: rubbish at the gate",
                reporter = new { name = "Resident Li", phone = $"139{n:D8}" },
                channel = "Hotline",
                location = new { buildingId = building },
            }),
        };
        request.Headers.Add("X-Api-Key", HotlineKey);
        try
        {
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                acknowledged[body.RootElement.GetProperty("id").GetString()!] = true;
            }
            else
            {
                refusals.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception ex)
        {
            refusals.Add(ex.GetType().Name);
        }
    }

    /// <summary>When the membership table first shows the silo as dead (polled every 200 ms, so at most that much late).</summary>
    private static async Task<DateTimeOffset> WhenDeclaredDead(LocalCluster cluster, int silo, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE port = @port AND status = @dead", connection);
        command.Parameters.AddWithValue("port", cluster.SiloPort(silo));
        command.Parameters.AddWithValue("dead", DeadSilo);
        while ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            await Task.Delay(200, cancellationToken);
        }

        return DateTimeOffset.UtcNow;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Reads every case until each meets <paramref name="condition"/> or the time is up; returns those that did.</summary>
    private static async Task<Dictionary<string, CaseSeen>> WaitFor(HttpClient http, ICollection<string> ids, Func<CaseSeen, bool> condition, TimeSpan within)
    {
        var met = new Dictionary<string, CaseSeen>();
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            foreach (var id in ids.Where(id => !met.ContainsKey(id)))
            {
                if (await Read(http, id) is { } seen && condition(seen))
                {
                    met[id] = seen;
                }
            }

            if (met.Count == ids.Count || DateTime.UtcNow > deadline)
            {
                return met;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static async Task<CaseSeen?> Read(HttpClient http, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        DateTimeOffset? escalatedAt = null;
        foreach (var entry in root.GetProperty("timeline").EnumerateArray())
        {
            if (entry.GetProperty("action").GetString() == "Escalate")
            {
                escalatedAt ??= entry.GetProperty("at").GetDateTimeOffset();
            }
        }

        return new CaseSeen(
            id,
            root.TryGetProperty("assignee", out var assignee) && assignee.ValueKind == JsonValueKind.Object ? assignee.GetProperty("workerId").GetString() : null,
            root.GetProperty("resolveDue").GetDateTimeOffset(),
            escalatedAt);
    }

    private static async Task<string> Describe(HttpClient http, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/incidents/{id}");
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await http.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Describe(IEnumerable<string> refusals) =>
        string.Join("; ", refusals.GroupBy(r => r.Length > 120 ? r[..120] : r).Select(g => $"{g.Count()} × {g.Key}")) is { Length: > 0 } text ? text : "none";

    [GeneratedRegex("(\"code\": \"sanitation\".*?\"resolveWithin\": )\"[^\"]+\"(, \"contactWithin\": \"[^\"]+\")?", RegexOptions.Singleline)]
    private static partial Regex SanitationResolveWithin();

    private sealed record CaseSeen(string Id, string? Assignee, DateTimeOffset ResolveDue, DateTimeOffset? EscalatedAt);
}
