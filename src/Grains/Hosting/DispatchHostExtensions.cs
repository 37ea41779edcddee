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
        if (storage is { IsPostgres: true, MigrateOnStart: true })
        {
            var connection = configuration.GetConnectionString(DispatchStorageOptions.ConnectionName)!;
            Persistence.SchemaMigrator.ApplyAsync(connection).GetAwaiter().GetResult();
        }

        if (storage.IsSqlite)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(storage.SqliteFile)!);
            Persistence.SqliteSchema.ApplyAsync(storage.SqliteConnectionString).GetAwaiter().GetResult();

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
