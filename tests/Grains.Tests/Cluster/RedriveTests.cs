using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Tests.Support;

namespace Dispatch.Tests.Cluster;

/// <summary>Re-drive moves the domain clock, so it has a cluster of its own.</summary>
public sealed class RedriveTests(RedriveTests.Cluster fixture) : IClassFixture<RedriveTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    [Fact]
    public async Task An_incident_whose_intake_message_was_lost_is_re_driven_and_dispatched()
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());
        fixture.Publisher.Drop.Set(id, 2);

        var registered = await fixture.ReportAt(grid, "sanitation", id: id);

        // Acknowledged to the caller, yet no desk has it: the message is gone.
        Assert.Equal(IncidentStatus.Registered, registered.Status);
        Assert.False((await fixture.Incident(id).Get())!.Delivered);
        var ledger = fixture.Grains.GetGrain<IIntakeLedgerGrain>(StableHash.Partition(id, 16));
        Assert.True(await ledger.PendingCount() >= 1);

        // The ledger re-drives after its delay; the first re-drive is lost as well, the second lands.
        for (var second = 0; second < 12; second++)
        {
            fixture.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        var dispatched = await fixture.IncidentWhen(id, v => v.Status == IncidentStatus.Dispatched);
        Assert.True(dispatched.Delivered);
        Assert.Equal(grid.GridWorker.Id, dispatched.Assignee?.WorkerId);
        Assert.Equal(2, fixture.Publisher.Dropped);

        // Once delivered, the next sweep after the delay forgets it.
        await fixture.Eventually(async () =>
        {
            fixture.Advance(TimeSpan.FromSeconds(1));
            return await ledger.PendingCount();
        }, count => count == 0, "the ledger to forget the delivered incident");
    }

    [Fact]
    public async Task A_repeated_delivery_does_not_take_the_case_in_twice()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "property");
        var dispatched = await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);

        // A second copy of the intake message, as an at-least-once stream may deliver.
        await fixture.Grains.GetGrain<IIncidentGrain>(registered.Id).Register(
            new RegisterIncident("property", "again", new Reporter("x", null), Channel.Hotline, registered.Placement, "test"));
        var streams = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider);
        await streams.GetStream<IncidentRouted>(Orleans.Runtime.StreamId.Create(StreamNames.GridIntake, grid.Id))
            .OnNextAsync(new IncidentRouted(registered.Id, "property", registered.Placement.BuildingId, registered.ReportedAt));
        var marker = await fixture.ReportAt(grid, "noise");
        await fixture.IncidentWhen(marker.Id, v => v.Delivered);

        var after = await fixture.Incident(registered.Id).Get();
        Assert.Equal(dispatched.Version, after!.Version);
        var desk = await fixture.Grains.GetGrain<Desks.IGridGrain>(grid.Id).GetDesk();
        Assert.Single(desk!.OpenCases, c => c.IncidentId == registered.Id);
    }
}
