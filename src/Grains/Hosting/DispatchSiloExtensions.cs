using Dispatch.Catalog;
using Dispatch.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;

namespace Dispatch.Hosting;

/// <summary>The one place that wires Dispatch into a silo; the silo host and the embedded gateway both call it.</summary>
public static class DispatchSiloExtensions
{
    /// <summary>How long a stream queue's pulling agent waits after finding its queue empty.</summary>
    public static readonly TimeSpan StreamPollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Adds the grains' services and the stream provider. Storage, reminders and clustering are the
    /// host's choice (see <see cref="AddDispatchDefaultProviders"/>), registered before this: their
    /// database errors are translated (<see cref="StorageFailures"/>).
    /// </summary>
    public static ISiloBuilder AddDispatch(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddDispatchCore(configuration);

        // Grain state is written with Orleans' own version-tolerant serializer: every state type has
        // [GenerateSerializer], [Id] and [Alias], so renaming a class never breaks stored rows.
        services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();

        // The working calendar: the folder's files if one is set (read again when they change), else the shipped one.
        services.TryAddSingleton(sp => new Calendar.CityCalendar(
            sp.GetRequiredService<IOptions<DispatchOptions>>().Value.CalendarFolder is { Length: > 0 } folder
                ? Calendar.CalendarFiles.LoadFolder(folder)
                : Calendar.CalendarFiles.Shipped()));
        services.AddHostedService<Calendar.CalendarReloader>();

        services.AddCaseJournal(configuration);
        services.AddSingleton<Territory.BuildingCache>();
        silo.AddDispatchSiloTelemetry(configuration);

        silo.AddMemoryStreams(StreamNames.Provider, streams =>
        {
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);

            // Each queue's agent polls; Orleans' default 100 ms pause after an empty poll was most of
            // the report-to-assignment latency (see docs/benchmarks.md). 10 ms costs little CPU.
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = StreamPollPeriod));
        });

        // Last, so it wraps every grain storage registered before (the host's and the tests').
        silo.TranslateStorageFailures();
        return silo;
    }

    /// <summary>
    /// What silos and clients both read: the <c>Dispatch</c> options, the domain clock and the category
    /// catalog — the file's at start, then the one installed in storage, kept current by <see cref="CatalogRefresher"/>.
    /// </summary>
    public static IServiceCollection AddDispatchCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DispatchOptions>()
            .Bind(configuration.GetSection(DispatchOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.RedriveAfter > TimeSpan.Zero && o.RedriveSweepInterval > TimeSpan.Zero,
                "Dispatch:RedriveAfter and Dispatch:RedriveSweepInterval must be positive.")
            .Validate(o => o.CatalogRefreshInterval > TimeSpan.Zero, "Dispatch:CatalogRefreshInterval must be positive.")
            .Validate(o => o.CalendarReloadInterval > TimeSpan.Zero, "Dispatch:CalendarReloadInterval must be positive.")
            .Validate(o => o.ConfirmBeforeFiling.Parsed() is not null,
                "Dispatch:ConfirmBeforeFiling:Channels lists channels by name (Hotline, App, BuildingLeader, Open311); Patrol and Visit are never held for a check.")
            .ValidateOnStart();

        // Tests put a fake clock in first; everyone else gets the system's.
        services.TryAddSingleton(DispatchTime.System);
        services.TryAddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<DispatchOptions>>().Value.CatalogPath;
            // A copy of the shipped one: the process's catalog is replaced when one is installed.
            return string.IsNullOrWhiteSpace(path) ? CategoryCatalog.Default.Copy() : CategoryCatalog.LoadFile(path);
        });
        services.TryAddSingleton<CatalogRefresher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CatalogRefresher>(sp => sp.GetRequiredService<CatalogRefresher>()));

        return services;
    }

    /// <summary>
    /// Where the <c>Orleans</c> configuration section names no grain storage: the SQLite file with
    /// <c>Dispatch:Storage:Provider=sqlite</c>, otherwise memory; and in-memory reminders where it names
    /// none (<c>Orleans:Reminders</c>), so a bare run needs nothing installed.
    /// </summary>
    public static ISiloBuilder AddDispatchDefaultProviders(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        if (!orleans.GetSection("GrainStorage").GetChildren().Any())
        {
            if (configuration.StorageOptions().IsSqlite)
            {
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new SqliteGrainStorage(
                    sp.GetRequiredService<System.Data.Common.DbDataSource>(), sp.GetRequiredService<SqliteWriter>(),
                    sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value));
            }
            else
            {
                silo.AddMemoryGrainStorageAsDefault();
            }
        }

        if (!orleans.GetSection("Reminders").Exists())
        {
            silo.UseInMemoryReminderService();
        }

        return silo;
    }
}
