using System.Collections.Concurrent;
using Dispatch.Catalog;
using Dispatch.Hosting;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Support;

/// <summary>
/// An in-process Orleans cluster running Dispatch on the test city, with the domain's clock under
/// the test's control. Grain state lives in storage shared by all silos (a stand-in for the
/// database), so a stopped silo loses nothing that was persisted.
/// </summary>
public class DispatchClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8));

    private int _nextGrid;

    public FakeTimeProvider Time { get; }

    public DroppingDeliveryPublisher Publisher { get; } = new();

    public ConcurrentDictionary<string, (BinaryData Data, string ETag)> Storage { get; } = new();

    /// <summary>Grains whose state the storage cannot reach: it throws <see cref="SimulatedDbException"/>.</summary>
    public ConcurrentDictionary<GrainId, bool> UnreachableState { get; } = new();

    /// <summary>The case journal every silo writes to, standing in for the database.</summary>
    public MemoryJournalStore Journal { get; } = new();

    /// <summary>The register projected from <see cref="Journal"/>, shared by every silo as its table would be.</summary>
    public MemoryCaseRegister Register { get; }

    /// <summary>What the silos write through: <see cref="Journal"/>, failing the writes a test asks it to.</summary>
    public FailingJournalStore Faults { get; }

    public DispatchClusterFixture()
        : this(Start)
    {
    }

    /// <summary>A cluster whose domain clock starts at <paramref name="start"/> (to walk through chosen days of the calendar).</summary>
    protected DispatchClusterFixture(DateTimeOffset start)
    {
        Time = new(start);
        Register = new MemoryCaseRegister(Journal);
        Faults = new FailingJournalStore(Journal);
    }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The test process's catalog, as a gateway holds one: an import swaps the installed one into it.</summary>
    public CategoryCatalog Catalog { get; } = CategoryCatalog.Default.Copy();

    protected virtual short Silos => 1;

    /// <summary>Further <c>Dispatch:*</c> settings a derived fixture runs with.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dispatch:CityId"] = TestCity.CityId,
            ["Dispatch:RedriveAfter"] = "00:00:05",
            ["Dispatch:RedriveSweepInterval"] = "00:00:01",
        }.Concat(Settings)).Build();

        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(new DispatchTime(Time));
            silo.Services.AddSingleton<ICaseDeliveryPublisher>(Publisher);
            silo.Services.AddSingleton<IJournalStore>(Faults);
            silo.Services.AddSingleton<ICaseRegister>(Register);
            silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
                (sp, _) => new SharedGrainStorage(sp.GetRequiredService<IGrainStorageSerializer>(), Storage, UnreachableState));
            silo.UseInMemoryReminderService();
            silo.AddDispatch(configuration);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        await new TerritoryLoader(Grains, NullLogger<TerritoryLoader>.Instance).LoadAsync(TestCity.Import, Catalog);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>A grid no other test of this cluster has used, so its roster and load are as loaded.</summary>
    public TestGrid ClaimGrid() => TestCity.Grids[Interlocked.Increment(ref _nextGrid) - 1];

    public IIncidentGrain Incident(string id) => Grains.GetGrain<IIncidentGrain>(id);

    public Task<IncidentView> Report(string category, ReportedLocation location, string? id = null, string reporter = "Resident Wang") =>
        Grains.GetGrain<IIntakeGrain>(0).Report(
            new NewReport(category, $"Test report of {category}", new Reporter(reporter, "13900000000"), Channel.Hotline, location, id),
            new ActorRef(ActorRole.Hotline, "test-hotline"));

    public Task<IncidentView> ReportAt(TestGrid grid, string category, int building = 0, string? id = null, string reporter = "Resident Wang") =>
        Report(category, new ReportedLocation(grid.Buildings[building].Id, null, null, null), id, reporter);

    /// <summary>Waits, without moving domain time, until the incident satisfies <paramref name="condition"/>
    /// (stream delivery and one-way notices are asynchronous).</summary>
    public Task<IncidentView> IncidentWhen(string id, Func<IncidentView, bool> condition) =>
        Eventually(async () => await Incident(id).Get(), v => v is not null && condition(v), $"incident {id}")!;

    /// <summary>The figures of a desk and everything below it, from the register.</summary>
    public Task<Desks.CaseStatistics> Statistics(DeskRef desk) => Grains.GetGrain<IIncidentSearchGrain>(0).Statistics(desk);

    /// <summary>Moves domain time; timers due in between fire.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);
}

/// <summary>The same cluster with three silos, for failover.</summary>
public class ThreeSiloClusterFixture : DispatchClusterFixture
{
    protected override short Silos => 3;
}
