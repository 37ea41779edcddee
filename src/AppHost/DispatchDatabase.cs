using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Dispatch.AppHost;

/// <summary>
/// Where the cluster's PostgreSQL comes from, chosen by <c>Dispatch:AppHost:Postgres</c>:
/// <c>container</c> (<c>AddPostgres</c>), <c>local</c> (the machine's own binaries, see
/// <see cref="LocalPostgres"/>) or <c>existing</c> (a server you run: <c>ConnectionStrings:dispatch</c>).
/// Unset: <c>existing</c> when <c>ConnectionStrings:dispatch</c> is set, else <c>container</c>
/// when a container runtime answers, else <c>local</c>.
/// </summary>
internal static class DispatchDatabase
{
    /// <summary>The name every process finds the database under (<c>ConnectionStrings:dispatch</c>).</summary>
    public const string ConnectionName = "dispatch";

    public const string ModeSetting = "Dispatch:AppHost:Postgres";

    public static IResourceBuilder<IResourceWithConnectionString> AddDispatchDatabase(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ModeSetting];
        var existing = builder.Configuration.GetConnectionString(ConnectionName);
        var mode = string.IsNullOrWhiteSpace(configured)
            ? existing is not null ? "existing" : ContainerRuntimeAnswers() ? "container" : "local"
            : configured.Trim().ToLowerInvariant();

        switch (mode)
        {
            case "container":
                return builder.AddPostgres("postgres").WithDataVolume().AddDatabase(ConnectionName);
            case "local":
                return builder.AddLocalPostgres("postgres");
            case "existing" when existing is null:
                throw new InvalidOperationException($"{ModeSetting} is 'existing' but ConnectionStrings:{ConnectionName} is not set (env ConnectionStrings__{ConnectionName}).");
            case "existing":
                return builder.AddConnectionString(ConnectionName);
            default:
                throw new InvalidOperationException($"{ModeSetting} is '{configured}'; use 'container' (Docker or Podman), 'local' (the machine's PostgreSQL binaries) or 'existing' (ConnectionStrings:{ConnectionName}).");
        }
    }

    /// <summary>
    /// What a silo, the gateway and the migration need to use the database: the postgres provider and
    /// <c>ConnectionStrings:dispatch</c>. Orleans' own sections come from the Orleans resource.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDispatchStorage(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResourceWithConnectionString> database) =>
        project
            .WithEnvironment("Dispatch__Storage__Provider", "postgres")
            .WithReference(database, ConnectionName);

    /// <summary>
    /// A container runtime is there when its engine answers, not when its command is on PATH: a
    /// Docker client without an engine (as on this project's CI machine) would make AddPostgres fail.
    /// </summary>
    private static bool ContainerRuntimeAnswers() => Answers("docker") || Answers("podman");

    private static bool Answers(string command)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not on PATH
        }
    }
}
