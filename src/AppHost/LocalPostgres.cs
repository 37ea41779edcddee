using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Dispatch.AppHost;

/// <summary>
/// PostgreSQL from the machine's own binaries (<c>pg_config --bindir</c>) as an executable resource,
/// for machines without a container runtime: <c>scripts/postgres-foreground</c> initdb's the data
/// folder once (<c>Dispatch:AppHost:PostgresData</c>, default a folder under the temp folder, kept
/// between runs) and execs the server on the loopback port Aspire allocates (as the postgres user
/// when run as root). The database <c>dispatch</c> exists before the server accepts connections.
/// </summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.IPV4Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Database={DispatchDatabase.ConnectionName};Maximum Pool Size=50");
}

internal static class LocalPostgres
{
    public const string DataSetting = "Dispatch:AppHost:PostgresData";

    public static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var repository = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
        var script = Path.Combine(repository, "scripts", "postgres-foreground");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing: the local PostgreSQL is started through it.");
        }

        var data = Path.GetFullPath(builder.Configuration[DataSetting] ?? Path.Combine(Path.GetTempPath(), "dispatch-apphost", "postgres"));
        var server = new LocalPostgresResource(name, script, repository);

        // Ready means a connection to the dispatch database opens, not merely that the process runs.
        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PostgresAcceptsConnections(server), failureStatus: null, tags: null));

        return builder.AddResource(server)
            .WithArgs(data)
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "PGPORT")
            .WithHealthCheck(healthCheck);
    }
}

internal sealed class PostgresAcceptsConnections(LocalPostgresResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
