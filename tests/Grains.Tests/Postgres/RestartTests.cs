using Dispatch.Desks;
using Dispatch.Hosting;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Persistence;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Dispatch.Workforce;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Postgres;

/// <summary>Every silo stops; a new cluster on the same database finds everything where it was.</summary>
public sealed class RestartTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private readonly FakeTimeProvider _time = new(DispatchClusterFixture.Start);

    private async Task<InProcessTestCluster> StartCluster(string connection)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dispatch:CityId"] = TestCity.CityId,
            ["Dispatch:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Dispatch"] = connection,
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = "dispatch-restart-test";
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(new DispatchTime(_time));
            silo.AddAdoNetGrainStorageAsDefault(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connection));
            silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connection));
            silo.AddDispatch(configuration);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Incidents_timelines_deadlines_duty_and_the_territory_survive_a_restart_of_every_silo()
    {
        var connection = await server.CreateDatabaseAsync("restart");
        await SchemaMigrator.ApplyAsync(connection);
        var grid = TestCity.Grids[0];

        IncidentView dispatched;
        GridDesk deskBefore;
        TerritorySummary mapBefore;
        var first = await StartCluster(connection);
        try
        {
            mapBefore = (await new TerritoryLoader(first.Client, NullLogger<TerritoryLoader>.Instance).LoadAsync(TestCity.Import, Catalog.CategoryCatalog.Default)).Summary;
            await first.Client.GetGrain<IWorkerGrain>(grid.Property.Id).SetDuty(true, "test");
            await first.Client.GetGrain<IWorkerGrain>(grid.Police.Id).SetDuty(false, "test");
            var reported = await first.Client.GetGrain<IIntakeGrain>(0).Report(
                new NewReport("sanitation", "Rubbish at the gate", new Reporter("Resident Wang", null), Channel.Hotline,
                    new ReportedLocation(grid.Buildings[0].Id, null, null, null)),
                new ActorRef(ActorRole.Hotline, "test"));
            dispatched = (await Eventually(() => first.Client.GetGrain<IIncidentGrain>(reported.Id).Get(),
                v => v?.Status == IncidentStatus.Dispatched, "the case to be dispatched"))!;
            // The desk's own copy follows its write a moment after the case's: compare once it has.
            deskBefore = (await Eventually(() => first.Client.GetGrain<IGridGrain>(grid.Id).GetDesk(),
                d => d!.OpenCases.Any(c => c.IncidentId == dispatched.Id && c.Status == IncidentStatus.Dispatched), "the desk to hold the case as dispatched"))!;
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await StartCluster(connection);
        try
        {
            var grains = second.Client;
            var incident = (await grains.GetGrain<IIncidentGrain>(dispatched.Id).Get())!;
            Assert.Equal(dispatched.Status, incident.Status);
            Assert.Equal(dispatched.Version, incident.Version);
            Assert.Equal(dispatched.Timeline, incident.Timeline);
            Assert.Equal(dispatched.AcceptDue, incident.AcceptDue);

            var desk = (await grains.GetGrain<IGridGrain>(grid.Id).GetDesk())!;
            // The desk's copy of the case version may trail by one (it is refreshed by the next change), so the
            // comparison is of what the desk acts on: who holds the case and its clocks.
            static object Clocks(CaseEntry c) => (c.IncidentId, c.Status, c.Assignee, c.RegisteredAt, c.AcceptDue, c.ResolveDue, c.NextEscalationDue);
            Assert.Equal(deskBefore.OpenCases.Select(Clocks), desk.OpenCases.Select(Clocks));
            Assert.Equal(deskBefore.Roster.Select(r => (r.Worker.Id, r.OnDuty, r.OpenLoad)), desk.Roster.Select(r => (r.Worker.Id, r.OnDuty, r.OpenLoad)));
            Assert.False((await grains.GetGrain<IWorkerGrain>(grid.Police.Id).Get())!.OnDuty);
            Assert.Equal(mapBefore, await grains.GetGrain<ITerritoryGrain>(TestCity.CityId).GetSummary());
            Assert.Equal(grid.Id, (await grains.GetGrain<ITerritoryGrain>(TestCity.CityId).Locate(grid.Inside.Longitude, grid.Inside.Latitude)).GridId);

            // The deadline still runs: past the accept limit the case goes to the other worker on duty.
            _time.Advance(dispatched.AcceptDue!.Value - _time.GetUtcNow() + TimeSpan.FromSeconds(1));
            var moved = await Eventually(() => grains.GetGrain<IIncidentGrain>(dispatched.Id).Get(),
                v => v!.Assignee?.WorkerId != dispatched.Assignee?.WorkerId, "the case to move to another worker");
            Assert.Equal(IncidentAction.Reassign, moved!.Timeline[^1].Action);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }
}
