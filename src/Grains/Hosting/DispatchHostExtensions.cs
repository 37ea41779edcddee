using Microsoft.Extensions.Configuration;
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
        if (configuration.StorageOptions() is { IsPostgres: true, MigrateOnStart: true })
        {
            var connection = configuration.GetConnectionString(DispatchStorageOptions.ConnectionName)!;
            Persistence.SchemaMigrator.ApplyAsync(connection).GetAwaiter().GetResult();
        }

        builder.UseOrleans(silo => silo
            .UseDispatchClustering(configuration)
            .AddDispatchDefaultProviders(configuration)
            .AddDispatch(configuration));
        builder.Services.AddDemoCity(configuration);
        return builder;
    }
}
