using Dispatch.Hosting;
using Dispatch.Intake;
using Dispatch.Persistence;
using Dispatch.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Dispatch.Tests.Postgres;

/// <summary>
/// A reentrant grain's group commit against the ADO.NET provider, which serializes the state only
/// once it has a connection, on whatever thread that arrived: adds that the grain takes meanwhile
/// must neither break the write ("Collection was modified", seen under load in a cluster) nor be lost.
/// </summary>
public sealed class GroupCommitTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private async Task<InProcessTestCluster> StartCluster(string connection)
    {
        var configuration = new ConfigurationBuilder().Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = "dispatch-group-commit-test";
        builder.ConfigureSilo((_, silo) =>
        {
            // The fake clock never moves, so the ledger's sweeper re-drives nothing meanwhile.
            silo.Services.AddSingleton(new DispatchTime(new FakeTimeProvider(DispatchClusterFixture.Start)));
            silo.AddAdoNetGrainStorageAsDefault(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connection));
            silo.UseInMemoryReminderService();
            silo.AddDispatch(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Thousands_of_concurrent_adds_to_the_ledger_all_succeed_and_all_are_kept()
    {
        var database = await server.CreateDatabaseAsync("group_commit");
        await SchemaMigrator.ApplyAsync(database);

        // One connection for two partitions: a write waits for it and resumes on another thread
        // while the grain already takes the next adds; thousands of entries make serializing slow.
        var connection = database + ";Maximum Pool Size=1";
        const int partitions = 2, adds = 20_000;

        var first = await StartCluster(connection);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, adds).Select(i => Ledger(first, i % partitions).Add($"case-{i:D5}")));
            Assert.Equal(adds, await Count(first, partitions));
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await StartCluster(connection);
        try
        {
            Assert.Equal(adds, await Count(second, partitions));
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    private static IIntakeLedgerGrain Ledger(InProcessTestCluster cluster, int partition) =>
        cluster.Client.GetGrain<IIntakeLedgerGrain>(partition);

    private static async Task<int> Count(InProcessTestCluster cluster, int partitions) =>
        (await Task.WhenAll(Enumerable.Range(0, partitions).Select(p => Ledger(cluster, p).PendingCount()))).Sum();
}
