using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;

namespace Dispatch.Hosting;

public static class DispatchJournalExtensions
{
    /// <summary>
    /// The case journal, the register projected from it, and what keeps them going (group commit,
    /// the projector, the re-drive sweep, waking the desks of a dead silo), kept where
    /// <c>Dispatch:Storage:Provider</c> says: the SQLite file, PostgreSQL on <c>ConnectionStrings:Dispatch</c>,
    /// or this process's memory. A journal store or register registered before (tests, the bench) wins.
    /// </summary>
    public static IServiceCollection AddCaseJournal(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.StorageOptions();
        if (storage.IsPostgres || storage.IsSqlite)
        {
            services.TryAddSingleton<System.Data.Common.DbDataSource>(_ => storage.IsPostgres
                ? NpgsqlDataSource.Create(Prepared(configuration.GetConnectionString(DispatchStorageOptions.ConnectionName)
                    ?? throw new InvalidOperationException("Dispatch:Storage:Provider is postgres but ConnectionStrings:Dispatch is not set.")))
                : SqliteFactory.Instance.CreateDataSource(storage.SqliteConnectionString));
            if (storage.IsSqlite)
            {
                // SQLite writes one transaction at a time: every write of this silo goes through one writer.
                services.TryAddSingleton(sp => new SqliteWriter(storage.SqliteConnectionString, sp.GetRequiredService<ILogger<SqliteWriter>>()));
            }

            services.TryAddSingleton<IJournalStore>(sp => new SqlJournalStore(sp.GetRequiredService<System.Data.Common.DbDataSource>(), sp.GetService<SqliteWriter>()));
            services.TryAddSingleton<ICaseRegister>(sp =>
                new SqlCaseRegister(sp.GetRequiredService<System.Data.Common.DbDataSource>(), sp.GetRequiredService<Serializer<CaseState>>(),
                    sp.GetRequiredService<ILogger<SqlCaseRegister>>(), sp.GetService<SqliteWriter>()));
        }
        else
        {
            services.TryAddSingleton<IJournalStore, MemoryJournalStore>();
            services.TryAddSingleton<ICaseRegister>(sp => new MemoryCaseRegister(
                sp.GetRequiredService<IJournalStore>() as MemoryJournalStore
                ?? throw new InvalidOperationException("With memory storage, register an ICaseRegister for the journal store you registered."),
                sp.GetRequiredService<ILogger<MemoryCaseRegister>>()));
        }

        services.TryAddSingleton<JournalSignal>();
        services.TryAddSingleton<CaseJournal>();
        services.TryAddSingleton<ICaseJournal>(sp => sp.GetRequiredService<CaseJournal>());
        services.TryAddSingleton<FeedOutbox>();
        services.TryAddSingleton<CaseRecorder>();
        services.TryAddSingleton<ICaseDeliveryPublisher, StreamCaseDeliveryPublisher>();
        services.AddHostedService<RegisterProjector>();
        services.AddSingleton<DeliverySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliverySweeper>());
        services.TryAddSingleton<DeskWaker>();
        services.AddHostedService<SiloLossWatcher>();
        return services;
    }

    /// <summary>
    /// The journal sends the same few statements thousands of times a second: let Npgsql prepare
    /// them on each connection, so PostgreSQL parses and plans each once, and skip resetting session
    /// state when a connection goes back to the pool (the journal keeps none). The connection string
    /// may say otherwise.
    /// </summary>
    private static string Prepared(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
