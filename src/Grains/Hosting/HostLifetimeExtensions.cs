using Microsoft.Extensions.Hosting;

namespace Dispatch.Hosting;

public static class HostLifetimeExtensions
{
    /// <summary>Completes once the host (and so the silo) has started; grain calls need the silo running.</summary>
    public static async Task WhenStarted(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (cancellationToken.Register(() => started.TrySetCanceled(cancellationToken)))
        {
            await started.Task;
        }
    }
}
