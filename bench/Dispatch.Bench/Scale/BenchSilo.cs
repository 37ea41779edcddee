using Dispatch.Hosting;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Dispatch.Bench.Scale;

/// <summary>Where the bench silo keeps grain state.</summary>
public enum BenchStorage
{
    /// <summary>Orleans' memory storage: a serialized copy of every state, held by storage grains in this process.</summary>
    Memory,

    /// <summary><see cref="DiscardingGrainStorage"/> and <see cref="DiscardingJournalStore"/>: nothing kept, so the heap holds only the grains' own state.</summary>
    None,
}

/// <summary>
/// One Dispatch silo in this process, wired as the shipped hosts wire it (<c>AddDispatch</c>) on
/// free localhost ports, with in-memory reminders and the chosen storage. Idle activations are
/// never collected while it runs: a measurement of "everything active" must not lose grains to
/// the collector halfway.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private static readonly TimeSpan NeverCollected = TimeSpan.FromDays(1);

    private readonly IHost _host;

    private BenchSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Loggers = host.Services.GetRequiredService<ILoggerFactory>();
    }

    public IGrainFactory Grains { get; }

    public ILoggerFactory Loggers { get; }

    public IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    public static BenchStorage ParseStorage(BenchArgs args) => args.String("storage", "none").ToLowerInvariant() switch
    {
        "memory" => BenchStorage.Memory,
        "none" => BenchStorage.None,
        var other => throw new ArgumentException($"--storage '{other}': expected memory or none."),
    };

    /// <param name="settings">Extra configuration, such as <c>Dispatch:CatalogPath</c>.</param>
    public static async Task<BenchSilo> StartAsync(BenchStorage storage, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            // The silo's start-up advice on server GC: the bench's GC mode is printed with its figures.
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error);

        var (siloPort, gatewayPort) = (LocalMachine.FreePort(), LocalMachine.FreePort());
        var configuration = builder.Configuration;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.UseInMemoryReminderService();
            if (storage == BenchStorage.Memory)
            {
                silo.AddMemoryGrainStorageAsDefault();
            }
            else
            {
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (_, _) => new DiscardingGrainStorage());
                silo.Services.AddSingleton<IJournalStore, DiscardingJournalStore>();
                silo.Services.AddSingleton<ICaseRegister>(new MemoryCaseRegister(new MemoryJournalStore()));
            }

            // After the stores above: the journal wiring keeps what is registered already.
            silo.AddDispatch(configuration);

            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = NeverCollected);
        });

        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(30));
        _host.Dispose();
    }
}
