using System.Net.Http.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>The embedded gateway on its SQLite file, with the domain clock in the test's hand.</summary>
public sealed class SqliteGatewayFactory(string dataFolder, FakeTimeProvider clock) : GatewayFactory
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Dispatch:Storage:Provider"] = "sqlite";
        settings["Dispatch:Storage:DataFolder"] = dataFolder;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(new DispatchTime(clock))));
    }
}

public sealed class EmbeddedRestartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-embedded-{Guid.NewGuid():N}");

    [Fact]
    public async Task Stopping_and_starting_the_embedded_gateway_keeps_cases_timelines_and_deadlines()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        IncidentView before;
        await using (var first = new SqliteGatewayFactory(_folder, clock))
        {
            await first.InitializeAsync();
            var filed = await Reports.File(first, "sanitation", "D01-S01-C01-G01-B001");
            before = await Eventually(() => Read(first, filed.Id), v => v.Status == IncidentStatus.Dispatched, $"{filed.Id} to be dispatched");
            Assert.Equal(IncidentStatus.Dispatched, before.Status);
        }

        Assert.True(File.Exists(Path.Combine(_folder, "dispatch.db")));

        // A day and a bit later: the accept and resolve limits passed while the gateway was down.
        clock.Advance(before.ResolveDue!.Value - clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        await using var second = new SqliteGatewayFactory(_folder, clock);
        await second.InitializeAsync();

        var after = await Eventually(() => Read(second, before.Id), v => v.Timeline.Any(t => t.Action == IncidentAction.Escalate),
            $"{before.Id} to escalate after the restart");
        Assert.Equal(before.Timeline, after.Timeline.Take(before.Timeline.Count));
        Assert.Contains(after.Timeline, t => t.Action == IncidentAction.Escalate);
        Assert.Contains(after.Timeline.Skip(before.Timeline.Count), t => t.Reason?.Contains("accept deadline", StringComparison.Ordinal) == true);

        // The register's table kept the case and follows it: now overdue and escalated.
        var overdue = await Eventually(
            () => second.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentListResponse>(
                "/api/v1/incidents?overdue=true&grid=D01-S01-C01-G01", GatewayFactory.Json),
            l => l!.Items.Any(i => i.Id == before.Id && i.EscalatedTo is not null), $"the register to list {before.Id} as overdue and escalated");
        Assert.Contains(overdue!.Items, i => i.Id == before.Id && i.EscalatedTo is not null);
    }

    [Fact]
    public async Task The_in_memory_setting_keeps_no_file()
    {
        await using var gateway = new InMemoryGatewayFactory(_folder);
        await gateway.InitializeAsync();
        await Reports.File(gateway, "sanitation", "D01-S01-C01-G01-B001");
        Assert.False(Directory.Exists(_folder));
    }

    private static async Task<IncidentView> Read(GatewayFactory gateway, string id) =>
        (await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json))!;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class InMemoryGatewayFactory(string unusedFolder) : GatewayFactory
    {
        protected override void Configure(Dictionary<string, string?> settings) =>
            settings["Dispatch:Storage:DataFolder"] = unusedFolder;
    }
}
