using Microsoft.Extensions.Configuration;

namespace Dispatch.Hosting;

/// <summary>Bound from <c>Dispatch:Storage</c>: where the cluster keeps membership, grain state and reminders.</summary>
public sealed class DispatchStorageOptions
{
    public const string Section = "Dispatch:Storage";
    public const string ConnectionName = "Dispatch";

    /// <summary><c>memory</c> (default: nothing to install, nothing kept) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "memory";

    /// <summary>Apply the schema at start-up (postgres). Default: false; run <c>Dispatch.Silo migrate</c> instead.</summary>
    public bool MigrateOnStart { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);
}

public static class DispatchStorageExtensions
{
    /// <summary>
    /// With <c>Dispatch:Storage:Provider=postgres</c>, points Orleans' own provider sections
    /// (clustering, default grain storage, reminders) at the ADO.NET providers on
    /// <c>ConnectionStrings:Dispatch</c>, so one connection string wires a silo. Keys already set
    /// under <c>Orleans:</c> win. A client (<paramref name="client"/>) only needs clustering, to find the silos.
    /// </summary>
    public static IConfigurationBuilder AddDispatchStorageDefaults(this IConfigurationManager configuration, bool client = false)
    {
        var options = configuration.GetSection(DispatchStorageOptions.Section).Get<DispatchStorageOptions>() ?? new();
        if (!options.IsPostgres)
        {
            return configuration;
        }

        var connection = configuration.GetConnectionString(DispatchStorageOptions.ConnectionName)
            ?? throw new InvalidOperationException("Dispatch:Storage:Provider is postgres but ConnectionStrings:Dispatch is not set.");
        var defaults = new Dictionary<string, string?>();
        string[] sections = client ? ["Orleans:Clustering"] : ["Orleans:Clustering", "Orleans:GrainStorage:Default", "Orleans:Reminders"];
        foreach (var section in sections)
        {
            if (configuration.GetSection(section).Exists())
            {
                continue;
            }

            defaults[$"{section}:ProviderType"] = "AdoNet";
            defaults[$"{section}:Invariant"] = "Npgsql";
            defaults[$"{section}:ConnectionString"] = connection;
        }

        // Sources added last win, so only the sections that were missing are filled in.
        return configuration.AddInMemoryCollection(defaults);
    }

    public static DispatchStorageOptions StorageOptions(this IConfiguration configuration) =>
        configuration.GetSection(DispatchStorageOptions.Section).Get<DispatchStorageOptions>() ?? new();
}
