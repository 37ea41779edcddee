using Dispatch.Incidents;

namespace Dispatch.Bench.Scale;

/// <summary>
/// An observer subscribed to every partition of the live feed, renewed well within the feed's
/// subscription lifetime until disposed.
/// </summary>
public sealed class FeedSubscription : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly ITransitionObserver _reference;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private FeedSubscription(IGrainFactory grains, ITransitionObserver reference)
    {
        _grains = grains;
        _reference = reference;
        _renewing = RenewAsync(_stop.Token);
    }

    public static async Task<FeedSubscription> StartAsync(IGrainFactory grains, ITransitionObserver observer)
    {
        var reference = grains.CreateObjectReference<ITransitionObserver>(observer);
        await SubscribeAll(grains, reference);
        return new FeedSubscription(grains, reference);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _grains.DeleteObjectReference<ITransitionObserver>(_reference);
        _stop.Dispose();
    }

    private static Task SubscribeAll(IGrainFactory grains, ITransitionObserver reference) =>
        Task.WhenAll(Enumerable.Range(0, ITransitionFeedGrain.Partitions)
            .Select(p => grains.GetGrain<ITransitionFeedGrain>(p).Subscribe(reference)));

    private async Task RenewAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ITransitionFeedGrain.SubscriptionLifetime / 4);
        while (await timer.WaitForNextTickAsync(stop))
        {
            await SubscribeAll(_grains, _reference);
        }
    }
}
