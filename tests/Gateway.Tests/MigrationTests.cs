using System.Net;
using System.Net.Http.Json;
using Dispatch.Desks;
using Dispatch.Gateway.Apis;
using Dispatch.Hosting;
using Dispatch.Incidents;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using static Dispatch.Incidents.IncidentAction;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>
/// A data folder written before the case journal (<c>Data/legacy-grain-state</c>, its README says
/// what is in it): at the first start its cases move into the journal, and they carry on.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private const string Dispatched = "20261130-DN7BTFZGWN5E";
    private const string Merged = "20261130-WXTHN2JDQNR9";
    private const string Escalated = "20261130-Y4D3M5NFY6DH";
    private const string Rated = "20261130-QW78G2448M6S";
    private const string Department = "20261130-CWT1EGEJ2JBB";
    private const string Street = "20261130-QQRR44Y7Z9Y5";
    private const string Waiting = "20261130-HPRSBJVNVPD0";

    /// <summary>A minute after the last case was worked: no deadline of the old cases has passed yet.</summary>
    private static readonly DateTimeOffset Then = new(2026, 11, 30, 12, 25, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-migration-{Guid.NewGuid():N}");

    public MigrationTests()
    {
        Directory.CreateDirectory(_folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Data", "legacy-grain-state", "dispatch.db"), Path.Combine(_folder, "dispatch.db"));
    }

    [Fact]
    public async Task A_data_folder_from_before_the_journal_keeps_every_case_with_its_timeline_and_carries_on()
    {
        await using var gateway = new SqliteGatewayFactory(_folder, new FakeTimeProvider(Then));
        await gateway.InitializeAsync();
        var operatorKey = gateway.ClientFor(GatewayFactory.Operator);

        // Every case, as it was, with its whole timeline.
        Dictionary<string, (IncidentStatus Status, IncidentAction[] Timeline)> expected = new()
        {
            [Dispatched] = (IncidentStatus.Dispatched, [Report, Register, IncidentAction.Dispatch, AddReporter, Supervise]),
            [Merged] = (IncidentStatus.Merged, [Report, Register, Merge]),
            [Escalated] = (IncidentStatus.Accepted, [Report, Register, IncidentAction.Dispatch, Accept, Escalate]),
            [Rated] = (IncidentStatus.Rated, [Report, Register, IncidentAction.Dispatch, Accept, Resolve, FailVerification, Resolve, Verify, Close, Rate]),
            [Department] = (IncidentStatus.Dispatched, [Report, Register, IncidentAction.Dispatch]),
            [Street] = (IncidentStatus.Dispatched, [Report, Register, IncidentAction.Dispatch]),
            [Waiting] = (IncidentStatus.Registered, [Report, Register, IncidentAction.Dispatch, Reject]),
        };
        foreach (var (id, (status, timeline)) in expected)
        {
            var view = (await operatorKey.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json))!;
            Assert.Equal(status, view.Status);
            Assert.Equal(timeline, view.Timeline.Select(t => t.Action));
            Assert.Null(view.IntegrityProblem);
        }

        var rated = (await operatorKey.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{Rated}", GatewayFactory.Json))!;
        Assert.Equal(4, rated.Rating);
        Assert.Equal(1, rated.ReworkCount);

        // The open ones are on their desks again, and the escalated one is listed at the community.
        var grid = (await operatorKey.GetFromJsonAsync<GridDesk>("/api/v1/grids/D01-S01-C01-G01/desk", GatewayFactory.Json))!;
        Assert.Equal(new[] { Dispatched, Escalated, Waiting }.Order(StringComparer.Ordinal), grid.OpenCases.Select(c => c.IncidentId).Order(StringComparer.Ordinal));
        Assert.Equal(1, grid.Roster.Single(r => r.Worker.Id == "W000001").OpenLoad);
        var gas = (await operatorKey.GetFromJsonAsync<AreaDesk>("/api/v1/desks/department:gas", GatewayFactory.Json))!;
        Assert.Contains(gas.OwnedCases, c => c.IncidentId == Department);
        var community = await Eventually(
            () => operatorKey.GetFromJsonAsync<AreaDesk>("/api/v1/desks/community:D01-S01-C01", GatewayFactory.Json),
            d => d!.Escalated.Any(e => e.IncidentId == Escalated), "the community to list the escalated case");
        Assert.Single(community!.Escalated);

        // The register and the figures are rebuilt from the journal.
        var register = await Eventually(
            () => operatorKey.GetFromJsonAsync<IncidentListResponse>("/api/v1/incidents?from=2026-11-29T00:00:00Z&to=2026-12-01T00:00:00Z", GatewayFactory.Json),
            l => l!.Items.Count == expected.Count, "the register to list the seven cases");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), register!.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
        var city = (await operatorKey.GetFromJsonAsync<StatisticsResponse>("/api/v1/statistics/city:demo", GatewayFactory.Json))!.Statistics;
        Assert.Equal((5, 1, 1, 4.0, 1), (city.Open, city.Closed, city.Merged, city.MeanRating!.Value, city.Reworked));

        // Work carries on, chained to the imported history.
        var worker = gateway.ClientFor(GatewayFactory.Worker1);
        var accepted = await worker.PostAsync($"/api/v1/incidents/{Dispatched}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var after = (await accepted.Content.ReadFromJsonAsync<IncidentView>(GatewayFactory.Json))!;
        Assert.Equal([.. expected[Dispatched].Timeline, Accept], after.Timeline.Select(t => t.Action));
        Assert.Equal(2, after.Version);

        // The old grain-state rows are gone, and every hash chain checks out.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "dispatch.db")}"))
        {
            await connection.OpenAsync();
            await using var count = new SqliteCommand("SELECT count(*) FROM OrleansStorage WHERE GrainTypeString IN ('incident', 'intake-ledger')", connection);
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        }

        var output = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dispatch:Storage:Provider"] = "sqlite",
            ["Dispatch:Storage:DataFolder"] = _folder,
        }).Build();
        Assert.Equal(0, await DispatchMaintenance.RunAsync(["journal", "verify"], configuration, output));
        Assert.Contains("every hash chain checks out", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
