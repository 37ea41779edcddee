using System.Diagnostics;
using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>A silo dies holding desks with pending deadlines. It kills a silo and moves time, so it has a cluster of its own.</summary>
public sealed class SiloLossTests(SiloLossTests.Cluster fixture) : IClassFixture<SiloLossTests.Cluster>
{
    public sealed class Cluster : ThreeSiloClusterFixture;

    /// <summary>The bound the failover suite holds escalations to after a silo's death is declared.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task The_survivors_wake_the_desks_of_a_dead_silo_at_once_and_fire_what_fell_due_meanwhile()
    {
        // Cases on enough grids that some desks live on each silo.
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        // Placement chooses among the silos it knows to be active; on a busy machine the others join late.
        await Eventually(async () => (await management.GetHosts(onlyActive: true)).Count, n => n == fixture.Cluster.Silos.Count,
            "every silo to be active", TimeSpan.FromMinutes(1));
        var located = new List<(TestGrid Grid, IncidentView Case, SiloAddress? Silo)>();
        foreach (var grid in Enumerable.Range(0, 8).Select(_ => fixture.ClaimGrid()))
        {
            var report = await fixture.ReportAt(grid, "noise");
            var dispatched = await fixture.IncidentWhen(report.Id, v => v.Delivered);
            var accepted = await fixture.Incident(report.Id).Accept(ActorRef.Worker(dispatched.Assignee!.WorkerId!));
            located.Add((grid, accepted, await management.GetActivationAddress(fixture.Grains.GetGrain<IGridGrain>(grid.Id))));
        }

        var victim = fixture.Cluster.Silos.Skip(1).MaxBy(s => located.Count(l => l.Silo == s.SiloAddress))!;
        var doomed = located.Where(l => l.Silo == victim.SiloAddress).ToList();
        Assert.NotEmpty(doomed);

        // The silo dies, and the resolve deadlines pass before anyone has noticed.
        await fixture.Cluster.KillSiloAsync(victim);
        fixture.Advance(located.Max(l => l.Case.ResolveDue!.Value) - fixture.Time.GetUtcNow() + TimeSpan.FromSeconds(1));

        // Nothing calls those desks any more; only the survivors' watch on the membership brings them back.
        await Eventually(async () => (await management.GetHosts(onlyActive: true)).ContainsKey(victim.SiloAddress), alive => !alive,
            "the victim to be declared dead", TimeSpan.FromMinutes(2));
        var declared = Stopwatch.StartNew();
        foreach (var (grid, c, _) in doomed)
        {
            var escalated = await Eventually(() => fixture.Incident(c.Id).Get(), v => v!.Escalations.Count == 1, $"{c.Id} to escalate", Within);
            Assert.Equal(new DeskRef(OrgLevel.Community, grid.CommunityId), escalated!.Escalations[0].Desk);
        }

        Assert.True(declared.Elapsed < Within, $"the escalations of the dead silo's desks took {declared.Elapsed} after its death was declared");
    }
}
