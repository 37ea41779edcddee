using Microsoft.Extensions.Configuration;

namespace Dispatch.Hosting;

/// <summary>Bound from <c>Dispatch:Storage</c>: where the cluster keeps membership, grain state and reminders.</summary>
public sealed class DispatchStorageOptions
{
    public const string Section = "Dispatch:Storage";
    public const string ConnectionName = "Dispatch";

    /// <summary>
    /// <c>memory</c> (nothing to install, nothing kept), <c>sqlite</c> (grain state in a file under
    /// <see cref="DataFolder"/>: the embedded gateway's default) or <c>postgres</c> (a cluster).
    /// </summary>
    public string Provider { get; set; } = "memory";

    /// <summary>Where the <c>sqlite</c> provider keeps <c>dispatch.db</c>. Default: the user's local data folder + <c>dispatch</c> (on Linux <c>~/.local/share/dispatch</c>).</summary>
    public string DataFolder { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "dispatch");

    /// <summary>Apply the schema at start-up (postgres). Default: false; run <c>Dispatch.Silo migrate</c> instead.</summary>
    public bool MigrateOnStart { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    public bool IsSqlite => string.Equals(Provider, "sqlite", StringComparison.OrdinalIgnoreCase);

    public string SqliteFile => Path.Combine(Path.GetFullPath(DataFolder), "dispatch.db");

    public string SqliteConnectionString => $"Data Source={SqliteFile};Pooling=True;Default Timeout=30";
}

public static class DispatchStorageExtensions
{
    /// <summary>
    /// (<c>Dispatch:Storage:Provider=sqlite</c> needs nothing here: the silo keeps grain state in the
    /// file through its own writer, see <see cref="DispatchSiloExtensions.AddDispatchDefaultProviders"/>.)
    /// With <c>Dispatch:Storage:Provider=postgres</c>, points Orleans' own provider sections
    /// (clustering, default grain storage, reminders) at the ADO.NET providers on
    /// <c>ConnectionStrings:Dispatch</c>, so one connection string wires a silo. Keys already set
    /// under <c>Orleans:</c> win. A client (<paramref name="client"/>) only needs clustering, to find the silos.
    /// </summary>
    public static IConfigurationBuilder AddDispatchStorageDefaults(this IConfigurationManager configuration, bool client = false)
    {
        var options = configuration.StorageOptions();
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
