using System.Text.Json;
using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using Dispatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Territory;

/// <summary>
/// A territory import installs the catalog it carries: stored for the whole cluster, used at once
/// by the silo that installs it and the importing process, taken up by other silos and restarted
/// ones; a catalog that drops codes is refused and changes nothing.
/// </summary>
public sealed class CatalogImportTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    private ICatalogGrain CatalogGrain => fixture.Grains.GetGrain<ICatalogGrain>(0);

    private Task<TerritoryImportResult> Import(ImportFile file, bool dryRun = false) =>
        new TerritoryImporter(fixture.Grains, fixture.Catalog, NullLoggerFactory.Instance)
            .ImportAsync(TestCity.CityId, new TerritoryImportRequest([file], DryRun: dryRun));

    /// <summary>The catalog the (first) silo uses.</summary>
    private CategoryCatalog SiloCatalog => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CategoryCatalog>();

    [Fact]
    public async Task An_installed_catalog_is_used_at_once_by_the_intake_and_sets_up_the_new_departments_desk()
    {
        var result = await Import(CatalogFiles.File(CatalogFiles.Extended(sanitationAcceptWithin: "00:20:00")));

        var installed = await CatalogGrain.Get();
        Assert.NotNull(installed);
        Assert.Equal(installed.Version, result.CatalogVersion);
        Assert.True(result.CatalogChecked);
        Assert.Equal(installed.Version, fixture.Catalog.Version);
        Assert.Equal(installed.Version, SiloCatalog.Version);

        // The new category is accepted, and the changed limit is in the new case's deadline.
        var grid = fixture.ClaimGrid();
        var graffiti = await fixture.ReportAt(grid, "graffiti");
        Assert.Equal("graffiti", graffiti.Category);
        var sanitation = await fixture.ReportAt(grid, "sanitation");
        var dispatched = await fixture.IncidentWhen(sanitation.Id, v => v.DispatchedAt is not null);
        var calendar = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Calendar.CityCalendar>().Current;
        Assert.Equal(calendar.AddWorkingTime(dispatched.DispatchedAt!.Value, TimeSpan.FromMinutes(20)), dispatched.AcceptDue);

        // A catalog-only import still sets up the new department's desk, under the current map's city desk.
        var parks = await fixture.Grains.GetGrain<IDeskGrain>(DeskRef.Department("parks").Key).GetDesk();
        Assert.NotNull(parks);
        Assert.Equal(new DeskRef(OrgLevel.City, TestCity.CityId), parks.Parent);
        Assert.Equal("Parks Department / 园林局", parks.Name);
    }

    [Fact]
    public async Task A_catalog_missing_a_current_category_is_refused_naming_it_and_the_old_one_stays()
    {
        await Import(CatalogFiles.File(CatalogFiles.Extended()));
        var before = await CatalogGrain.Get();

        var refused = await Assert.ThrowsAsync<TerritoryImportException>(() =>
            Import(CatalogFiles.File(CatalogFiles.Without(CatalogFiles.Extended(), "noise"), "no-noise.json")));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal("no-noise.json", problem.Where);
        Assert.Contains("drops category noise", problem.What);
        Assert.Equal(before, await CatalogGrain.Get());
        Assert.True(SiloCatalog.TryGet("noise", out _));
        var noise = await fixture.ReportAt(fixture.ClaimGrid(), "noise");
        Assert.Equal("noise", noise.Category);
    }

    [Fact]
    public async Task A_dry_run_checks_the_catalog_and_installs_nothing()
    {
        var before = await CatalogGrain.Get();
        var siloVersion = SiloCatalog.Version;

        var result = await Import(CatalogFiles.File(CatalogFiles.Extended(sanitationAcceptWithin: "00:07:00")), dryRun: true);

        Assert.True(result.DryRun);
        Assert.True(result.CatalogChecked);
        Assert.Null(result.CatalogVersion);
        Assert.Equal(before, await CatalogGrain.Get());
        Assert.Equal(siloVersion, SiloCatalog.Version);
        Assert.NotEqual(TimeSpan.FromMinutes(7), SiloCatalog.Get("sanitation").AcceptWithin);
    }

    [Fact]
    public async Task A_silo_that_starts_later_uses_the_stored_catalog()
    {
        await Import(CatalogFiles.File(CatalogFiles.Extended()));
        var installed = (await CatalogGrain.Get())!;

        var second = await fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            var catalog = second.ServiceProvider.GetRequiredService<CategoryCatalog>();
            await second.ServiceProvider.GetRequiredService<CatalogRefresher>().FirstRead.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(installed.Version, catalog.Version);
            Assert.True(catalog.TryGet("graffiti", out _));
        }
        finally
        {
            await fixture.Cluster.StopSiloAsync(second);
        }
    }

    [Fact]
    public async Task The_refresher_loads_the_stored_catalog_at_start_and_swaps_in_each_newer_version_on_its_beat()
    {
        await Import(CatalogFiles.File(CatalogFiles.Extended()));
        var installed = (await CatalogGrain.Get())!;
        var fresh = CategoryCatalog.Default.Copy();
        var clock = new FakeTimeProvider(DispatchClusterFixture.Start);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var refresher = new CatalogRefresher(fixture.Grains, fresh, new DispatchTime(clock),
            Options.Create(new DispatchOptions { CatalogRefreshInterval = TimeSpan.FromSeconds(10) }), lifetime, NullLogger<CatalogRefresher>.Instance);
        await refresher.StartAsync(CancellationToken.None);
        lifetime.NotifyStarted();
        await refresher.FirstRead.WaitAsync(TimeSpan.FromSeconds(30));

        // A fresh process's catalog, loaded from storage, is the installed one.
        var stored = CategoryCatalog.Load(CatalogFiles.Bytes(CatalogFiles.Extended()));
        Assert.Equal(installed.Version, fresh.Version);
        // As JSON: the records' keyword lists compare by reference.
        Assert.Equal(JsonSerializer.Serialize(stored.Categories), JsonSerializer.Serialize(fresh.Categories));
        Assert.Equal(JsonSerializer.Serialize(stored.Departments), JsonSerializer.Serialize(fresh.Departments));

        // Installed elsewhere: taken up at the next beat, not before.
        var newer = await CatalogGrain.Install(CatalogFiles.Extended(sanitationAcceptWithin: "00:45:00").ToJsonString());
        Assert.Equal(installed.Version, fresh.Version);
        await Eventually(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            return Task.FromResult(fresh.Version);
        }, v => v == newer.Version, "the refresher's swap");
        Assert.Equal(TimeSpan.FromMinutes(45), fresh.Get("sanitation").AcceptWithin);
        await refresher.StopAsync(CancellationToken.None);
    }
}
