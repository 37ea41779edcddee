using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dispatch.Hosting;

public static class DispatchHostExtensions
{
    /// <summary>
    /// Hosts a Dispatch silo: clustering, storage and reminders from configuration (localhost and
    /// in-memory when none is named), the grains' services and streams, and the demo city loader.
    /// The silo host and the embedded gateway both call this.
    /// </summary>
    public static IHostApplicationBuilder AddDispatchSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        configuration.AddDispatchStorageDefaults();
        var storage = configuration.StorageOptions();
        if (storage is { IsPostgres: true, MigrateOnStart: true } || storage.IsSqlite)
        {
            // The SQLite file's schema is applied at every start (its scripts are idempotent), with
            // the import of cases kept as grain state before the journal, which then finds nothing.
            DispatchMaintenance.MigrateAsync(configuration).GetAwaiter().GetResult();
        }

        if (storage.IsSqlite)
        {
            // The embedded silo's reminders live in memory: after a restart nothing would wake a
            // desk whose deadlines are pending, so every desk with open cases is woken at start-up.
            builder.Services.AddHostedService<StartupDeskWaker>();
        }

        builder.UseOrleans(silo => silo
            .UseDispatchClustering(configuration)
            .AddDispatchDefaultProviders(configuration)
            .AddDispatch(configuration));
        builder.Services.AddDemoCity(configuration);
        builder.AddDispatchTelemetry();
        return builder;
    }
}
