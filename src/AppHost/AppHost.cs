using Aspire.Hosting.Orleans;

// The cluster of scripts/cluster, under Aspire: PostgreSQL for membership, grain state and
// reminders (ADO.NET providers), three silos, the gateway as an Orleans client, and telemetry
// from all of them on the Aspire dashboard (OTEL_EXPORTER_OTLP_ENDPOINT, set by Aspire).
var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddPostgres("postgres")
    .WithDataVolume()
    .AddDatabase("dispatch");
var adoNet = new AdoNetProvider(database);

var orleans = builder.AddOrleans("dispatch-cluster")
    .WithClusterId("dispatch")
    .WithServiceId("dispatch")
    .WithClustering(adoNet)
    .WithGrainStorage("Default", adoNet)
    .WithReminders(adoNet);

// One silo loads the demo city into an empty map; the replicas do not, so they never race to load it.
// Every silo applies the schema at start (idempotent, serialised by an advisory lock).
var primary = builder.AddProject<Projects.Silo>("silo-primary")
    .WithReference(orleans)
    .WaitFor(database)
    .WithEnvironment("Dispatch__Storage__Provider", "postgres")
    .WithEnvironment("Dispatch__Storage__MigrateOnStart", "true")
    .WithEnvironment("Dispatch__DemoCity__Enabled", "true");

var replicas = builder.AddProject<Projects.Silo>("silo")
    .WithReference(orleans)
    .WaitFor(database)
    .WithEnvironment("Dispatch__Storage__Provider", "postgres")
    .WithEnvironment("Dispatch__Storage__MigrateOnStart", "true")
    .WithEnvironment("Dispatch__DemoCity__Enabled", "false")
    .WithReplicas(2);

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(orleans.AsClient())
    .WithEnvironment("Gateway__Mode", "client")
    .WaitFor(primary)
    .WaitFor(replicas)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();

/// <summary>
/// Orleans' ADO.NET providers on the PostgreSQL database. Aspire's own provider configuration
/// names the provider after the resource type ("PostgresDatabase"), which Orleans does not know,
/// so this sets the section Orleans reads: ProviderType AdoNet, Invariant Npgsql, and the
/// connection string by name (ConnectionStrings:dispatch, injected by the reference).
/// </summary>
internal sealed class AdoNetProvider(IResourceBuilder<PostgresDatabaseResource> database) : IProviderConfiguration
{
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath)
        where T : IResourceWithEnvironment
    {
        var prefix = $"Orleans__{configSectionPath.Replace(":", "__", StringComparison.Ordinal)}";
        resourceBuilder
            .WithEnvironment($"{prefix}__ProviderType", "AdoNet")
            .WithEnvironment($"{prefix}__Invariant", "Npgsql")
            .WithEnvironment($"{prefix}__ConnectionName", database.Resource.Name)
            .WithReference(database);
    }
}
