using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>The register over HTTP with memory storage: kept in the state of its partition grains.</summary>
public sealed class RegisterApiTests(GatewayFactory gateway) : RegisterApiContract<GatewayFactory>(gateway);

/// <summary>The register over HTTP with SQLite storage: kept as rows of its own table.</summary>
public sealed class SqliteRegisterApiTests(TempSqliteGatewayFactory gateway) : RegisterApiContract<TempSqliteGatewayFactory>(gateway);

/// <summary>The embedded gateway on a SQLite file of its own, deleted at the end.</summary>
public sealed class TempSqliteGatewayFactory : GatewayFactory
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-register-{Guid.NewGuid():N}");

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Dispatch:Storage:Provider"] = "sqlite";
        settings["Dispatch:Storage:DataFolder"] = _folder;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>The register over HTTP: filters, paging, and a worker key's own cases; the same for every way of keeping it.</summary>
public abstract class RegisterApiContract<TGateway>(TGateway gateway) : IClassFixture<TGateway>
    where TGateway : GatewayFactory
{
    // The small test city: one street D01-S01, communities C01 and C02, two grids each, three buildings a grid.
    private const string C01G01 = "D01-S01-C01-G01";
    private const string C01G02 = "D01-S01-C01-G02";
    private const string C02G01 = "D01-S01-C02-G01";

    private async Task<IncidentListResponse> List(string query, string key = GatewayFactory.Operator)
    {
        var response = await gateway.ClientFor(key).GetAsync($"/api/v1/incidents{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IncidentListResponse>(GatewayFactory.Json))!;
    }

    [Fact]
    public async Task The_register_filters_by_area_category_and_status_and_pages_newest_first()
    {
        // A category of its own keeps this test's cases apart from the other tests' in the same city.
        var filed = new List<IncidentView>
        {
            await Reports.File(gateway, "fire-lane", $"{C01G01}-B001"),
            await Reports.File(gateway, "fire-lane", $"{C01G02}-B001"),
            await Reports.File(gateway, "fire-lane", $"{C02G01}-B001"),
            await Reports.File(gateway, "fire-lane", $"{C01G01}-B002"),
            await Reports.File(gateway, "fire-lane", $"{C02G01}-B003"),
        };

        var all = await Eventually(() => List("?category=fire-lane&limit=200"), l => l.Items.Count == filed.Count,
            $"all {filed.Count} fire-lane cases in the register");
        Assert.Equal(filed.Select(f => f.Id).OrderBy(id => id), all.Items.Select(i => i.Id).OrderBy(id => id));
        Assert.Equal(all.Items.OrderByDescending(i => i.ReportedAt).ThenByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Id), all.Items.Select(i => i.Id));

        var community = await List("?category=fire-lane&community=D01-S01-C01");
        Assert.Equal(3, community.Items.Count);
        Assert.All(community.Items, i => Assert.Equal("D01-S01-C01", i.Path.CommunityId));
        Assert.Equal(2, (await List($"?category=fire-lane&grid={C01G01}")).Items.Count);
        Assert.Equal(5, (await List("?category=fire-lane&street=D01-S01&district=D01")).Items.Count);
        Assert.Empty((await List("?category=fire-lane&status=closed,rated")).Items);
        Assert.Empty((await List("?category=fire-lane&overdue=true")).Items);
        Assert.Empty((await List($"?category=fire-lane&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}")).Items);

        // Paging by cursor visits every case once, in the same order.
        var seen = new List<string>();
        var page = await List("?category=fire-lane&limit=2");
        for (var pages = 1; ; pages++)
        {
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(i => i.Id));
            if (page.Next is null)
            {
                Assert.Equal(3, pages);
                break;
            }

            page = await List($"?category=fire-lane&limit=2&cursor={page.Next}");
        }

        Assert.Equal(all.Items.Select(i => i.Id), seen);
    }

    [Fact]
    public async Task The_register_follows_a_case_through_its_changes()
    {
        var filed = await Reports.File(gateway, "key-person-visit", $"{C01G02}-B002");
        var dispatched = await Eventually(() => List("?category=key-person-visit&status=dispatched"), l => l.Items.Any(i => i.Id == filed.Id),
            $"{filed.Id} listed as dispatched");
        var line = Assert.Single(dispatched.Items, i => i.Id == filed.Id);
        Assert.NotNull(line.Assignee?.WorkerId);
        Assert.NotNull(line.AcceptDue);

        var cancel = await gateway.ClientFor(GatewayFactory.Operator).PostAsJsonAsync($"/api/v1/incidents/{filed.Id}/cancel", new { reason = "reported twice by phone" });
        cancel.EnsureSuccessStatusCode();
        var cancelled = await Eventually(() => List("?category=key-person-visit&status=cancelled"), l => l.Items.Any(i => i.Id == filed.Id),
            $"{filed.Id} listed as cancelled");
        Assert.Equal(IncidentStatus.Cancelled, Assert.Single(cancelled.Items, i => i.Id == filed.Id).Status);
    }

    [Fact]
    public async Task A_worker_key_lists_only_the_cases_assigned_to_its_worker()
    {
        var filed = await Reports.File(gateway, "property", $"{C01G01}-B003");
        var assigned = await Eventually(
            () => gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{filed.Id}", GatewayFactory.Json),
            v => v!.Assignee?.WorkerId is not null, $"{filed.Id} to be assigned");
        var owner = assigned!.Assignee!.WorkerId!;

        foreach (var (worker, key) in GatewayFactory.WorkerKeys)
        {
            var mine = await Eventually(() => List("?category=property", key), l => worker != owner || l.Items.Count > 0,
                $"{worker}'s own property cases in the register");
            Assert.All(mine.Items, i => Assert.Equal(worker, i.Assignee?.WorkerId));
            Assert.Equal(worker == owner, mine.Items.Any(i => i.Id == filed.Id));

            var read = await gateway.ClientFor(key).GetAsync($"/api/v1/incidents/{filed.Id}");
            Assert.Equal(worker == owner ? HttpStatusCode.OK : HttpStatusCode.Forbidden, read.StatusCode);
        }
    }

    [Theory]
    [InlineData("?status=lost", "status")]
    [InlineData("?category=unicorns", "category")]
    [InlineData("?overdue=maybe", "overdue")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-11-20T00:00:00Z&to=2026-11-10T00:00:00Z", "to")]
    [InlineData("?from=2026-01-01T00:00:00Z&to=2026-11-10T00:00:00Z", "from")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?colour=red", "colour")]
    public async Task A_bad_filter_gets_422_naming_it(string query, string field)
    {
        var response = await gateway.ClientFor(GatewayFactory.Operator).GetAsync($"/api/v1/incidents{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }
}
