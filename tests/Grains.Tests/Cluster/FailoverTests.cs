using System.Collections.Concurrent;
using Dispatch.Incidents;
using Dispatch.Tests.Support;
using Xunit.Abstractions;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

public sealed class FailoverTests(ThreeSiloClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ThreeSiloClusterFixture>
{
    private static readonly string[] Categories = ["sanitation", "noise", "public-security", "property", "neighbour-dispute", "safety-hazard"];

    [Fact]
    public async Task No_acknowledged_report_is_lost_when_a_silo_stops_while_reports_flow()
    {
        const int Reports = 400;
        var acknowledged = new ConcurrentBag<string>();
        var refused = 0;
        var sent = 0;
        var grids = Enumerable.Range(0, 16).Select(_ => fixture.ClaimGrid()).ToArray();

        async Task Producer(int lane)
        {
            var random = new Random(lane);
            while (Interlocked.Increment(ref sent) <= Reports)
            {
                var grid = grids[random.Next(grids.Length)];
                try
                {
                    var view = await fixture.ReportAt(grid, Categories[random.Next(Categories.Length)], building: random.Next(2));
                    acknowledged.Add(view.Id);
                }
                catch (Exception)
                {
                    // Not acknowledged: the caller was told it failed and would report again.
                    Interlocked.Increment(ref refused);
                }
            }
        }

        var producers = Enumerable.Range(0, 8).Select(Producer).ToArray();
        await Eventually(() => Task.FromResult(acknowledged.Count), n => n >= Reports / 4, "a quarter of the reports");
        var victim = fixture.Cluster.Silos[^1];
        await fixture.Cluster.StopSiloAsync(victim);
        await Task.WhenAll(producers);

        // Let the re-drive ledger run on the surviving silos until every acknowledged report is taken in.
        var lost = await Eventually(async () =>
        {
            fixture.Advance(TimeSpan.FromSeconds(1));
            var views = await Task.WhenAll(acknowledged.Select(id => fixture.Incident(id).Get()));
            return views.Count(v => v is null || !TakenIn(v));
        }, count => count == 0, "every acknowledged report to be taken in by its desk");

        output.WriteLine($"reports sent {Reports}, acknowledged {acknowledged.Count}, refused during failover {refused}, lost {lost}");
        Assert.Equal(0, lost);
        Assert.True(acknowledged.Count >= Reports / 2, $"only {acknowledged.Count} of {Reports} reports were acknowledged");

        // Taken in means on a desk: each open acknowledged case is in its grid's book.
        var desks = await Task.WhenAll(grids.Select(g => fixture.Grains.GetGrain<Desks.IGridGrain>(g.Id).GetDesk()));
        var onDesks = desks.SelectMany(d => d!.OpenCases.Select(c => c.IncidentId)).ToHashSet();
        var views = await Task.WhenAll(acknowledged.Select(id => fixture.Incident(id).Get()));
        Assert.All(views.Where(v => v!.Status != IncidentStatus.Merged), v => Assert.Contains(v!.Id, onDesks));
    }

    private static bool TakenIn(IncidentView view) =>
        view.Delivered && view.Status is IncidentStatus.Dispatched or IncidentStatus.Merged or IncidentStatus.Registered;
}
