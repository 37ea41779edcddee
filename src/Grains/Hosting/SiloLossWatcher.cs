using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatch.Hosting;

/// <summary>
/// Watches the cluster's membership. When a silo is declared dead, its desks — and their timers —
/// died with it; their reminders would bring them back only within a minute. Every survivor wakes
/// its share of the desks with open cases at once (desk keys are split among the live silos by a
/// stable hash), so each rebuilds from the journal on a live silo and fires what fell due meanwhile.
/// </summary>
public sealed partial class SiloLossWatcher(
    IClusterMembershipService membership,
    ILocalSiloDetails self,
    DeskWaker waker,
    ILogger<SiloLossWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = membership.CurrentSnapshot;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var lost = snapshot.CreateUpdate(known).Changes
                    .Where(m => m.Status == SiloStatus.Dead && m.SiloAddress != self.SiloAddress
                        && known.GetSiloStatus(m.SiloAddress) != SiloStatus.Dead)
                    .Select(m => m.SiloAddress)
                    .ToArray();
                known = snapshot;
                if (lost.Length == 0 || snapshot.GetSiloStatus(self.SiloAddress) != SiloStatus.Active)
                {
                    continue;
                }

                var alive = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString())
                    .Order(StringComparer.Ordinal).ToArray();
                var mine = Array.IndexOf(alive, self.SiloAddress.ToParsableString());
                LogLost(logger, string.Join(", ", lost.Select(s => s.ToString())), alive.Length);
                if (mine >= 0)
                {
                    try
                    {
                        await waker.WakeAsync(desk => StableHash.Partition(desk, alive.Length) == mine, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogFailed(logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(5401, LogLevel.Warning, "Silo {Silos} declared dead; waking this silo's share of its desks ({Alive} silos alive)")]
    private static partial void LogLost(ILogger logger, string silos, int alive);

    [LoggerMessage(5402, LogLevel.Error, "Waking the desks of a dead silo failed; they wait for their reminders")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
