using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>Re-drive moves the domain clock, so it has a cluster of its own.</summary>
public sealed class RedriveTests(RedriveTests.Cluster fixture) : IClassFixture<RedriveTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    [Fact]
    public async Task A_case_whose_delivery_message_was_lost_is_found_in_the_journal_and_re_driven()
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());
        fixture.Publisher.Drop.Set(id, 2);

        var registered = await fixture.ReportAt(grid, "sanitation", id: id);

        // Acknowledged to the caller, yet no desk has it: the message is gone. The journal's
        // open-case index holds it as undelivered.
        Assert.Equal(IncidentStatus.Registered, registered.Status);
        Assert.False((await fixture.Incident(id).Get())!.Delivered);
        Assert.Contains(grid.Id, (await fixture.Journal.OpenDesksAsync()).Select(d => d.Split(':')[1]));

        // The sweep publishes it again after the delay; the first re-drive is lost as well, the second lands.
        await AdvanceSecondBySecond(12);

        var dispatched = await fixture.IncidentWhen(id, v => v.Status == IncidentStatus.Dispatched);
        Assert.True(dispatched.Delivered);
        Assert.Equal(grid.GridWorker.Id, dispatched.Assignee?.WorkerId);
        Assert.Equal(2, fixture.Publisher.Drop.Consumed);

        // Delivered is recorded with the dispatch: a sweep after the delay finds nothing of it.
        fixture.Advance(TimeSpan.FromSeconds(10));
        var sweeper = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DeliverySweeper>();
        Assert.Equal(0, await sweeper.Sweep());
    }

    [Fact]
    public async Task A_case_the_desk_could_not_record_taking_in_is_taken_in_when_the_re_drive_brings_it_back()
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());
        fixture.Faults.FailLaterAppends.Set(id, 1);

        // The desk holds the case, but the journal refused its dispatch: still undelivered.
        await fixture.ReportAt(grid, "sanitation", id: id);
        await Eventually(() => Task.FromResult(fixture.Faults.FailLaterAppends.Consumed), n => n >= 1, "the refused write");
        Assert.Equal(IncidentStatus.Registered, (await fixture.Incident(id).Get())!.Status);

        await AdvanceSecondBySecond(8);

        var dispatched = await fixture.IncidentWhen(id, v => v.Status == IncidentStatus.Dispatched);
        Assert.True(dispatched.Delivered);
        Assert.Equal(grid.GridWorker.Id, dispatched.Assignee?.WorkerId);
    }

    [Fact]
    public async Task A_repeated_delivery_or_registration_does_not_take_the_case_in_twice()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "property");
        var dispatched = await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);

        // A second registration of the same case number, and a second copy of the delivery message
        // with the case as it was when first published, as an at-least-once stream may deliver it.
        var again = await fixture.Grains.GetGrain<IIncidentGrain>(registered.Id).Register(
            new RegisterIncident("property", "again", new Reporter("x", null), Channel.Hotline, registered.Placement, "test"));
        Assert.Equal(dispatched.Version, again.Version);
        var first = CaseEventCodec.Decode(await fixture.Journal.ReadAsync(registered.Id)).Take(2).ToArray();
        var streams = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider);
        await streams.GetStream<CaseRouted>(CaseDelivery.StreamOf(registered.Tracker)).OnNextAsync(new CaseRouted(registered.Id, first));
        var marker = await fixture.ReportAt(grid, "noise");
        await fixture.IncidentWhen(marker.Id, v => v.Delivered);

        var after = await fixture.Incident(registered.Id).Get();
        Assert.Equal(dispatched.Version, after!.Version);
        var desk = await fixture.Grains.GetGrain<Desks.IGridGrain>(grid.Id).GetDesk();
        Assert.Single(desk!.OpenCases, c => c.IncidentId == registered.Id);
    }

    [Fact]
    public async Task A_desk_that_wakes_with_an_undelivered_case_takes_it_in_without_waiting_for_the_sweep()
    {
        var grid = fixture.ClaimGrid();
        var id = IncidentIds.New(fixture.Time.GetUtcNow());
        fixture.Publisher.Drop.Set(id, 1);
        await fixture.ReportAt(grid, "sanitation", id: id);
        var desk = fixture.Grains.GetGrain<Desks.IGridGrain>(grid.Id);

        await fixture.Cluster.DeactivateAsync(desk);
        await desk.GetDesk();

        var dispatched = await fixture.IncidentWhen(id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Equal(grid.GridWorker.Id, dispatched.Assignee?.WorkerId);
    }

    /// <summary>Moves domain time a second at a time, letting each sweep's publish land before the next.</summary>
    private async Task AdvanceSecondBySecond(int seconds)
    {
        for (var second = 0; second < seconds; second++)
        {
            fixture.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }
}
