using System.Collections.Concurrent;
using System.Threading.Channels;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Feed;

/// <summary>
/// The gateway's end of the live feed: one observer subscribed to every feed partition while at
/// least one screen listens, fanning each change out to the listeners whose area holds the case.
/// </summary>
public sealed partial class TransitionHub(IGrainFactory grains, ILogger<TransitionHub> logger) : ITransitionObserver, IHostedService, IDisposable
{
    /// <summary>Changes a slow screen may fall behind by before the oldest are dropped.</summary>
    public const int ListenerBuffer = 1_000;

    private readonly ConcurrentDictionary<Listener, byte> _listeners = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ITransitionObserver? _reference;
    private Task? _renewing;

    public int ListenerCount => _listeners.Count;

    /// <summary>Starts listening; the feed is subscribed before this returns, so nothing after it is missed.</summary>
    public async Task<Listener> Listen(string? areaId, CancellationToken cancellationToken)
    {
        var listener = new Listener(this, areaId);
        _listeners.TryAdd(listener, 0);
        try
        {
            await Subscribe(cancellationToken);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return listener;
    }

    public Task OnTransitions(IReadOnlyList<IncidentTransition> transitions)
    {
        foreach (var listener in _listeners.Keys)
        {
            foreach (var transition in transitions)
            {
                if (transition.IsIn(listener.AreaId))
                {
                    listener.Writer.TryWrite(transition);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _renewing = Renew(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners.Keys)
        {
            listener.Writer.TryComplete();
        }

        if (_renewing is not null)
        {
            await _renewing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _subscribing.Dispose();
    }

    private async Task Subscribe(CancellationToken cancellationToken)
    {
        await _subscribing.WaitAsync(cancellationToken);
        try
        {
            _reference ??= grains.CreateObjectReference<ITransitionObserver>(this);
            await Task.WhenAll(Enumerable.Range(0, ITransitionFeedGrain.Partitions)
                .Select(p => grains.GetGrain<ITransitionFeedGrain>(p).Subscribe(_reference)));
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private async Task Unsubscribe()
    {
        await _subscribing.WaitAsync();
        try
        {
            if (_reference is null || !_listeners.IsEmpty)
            {
                return;
            }

            await Task.WhenAll(Enumerable.Range(0, ITransitionFeedGrain.Partitions)
                .Select(p => grains.GetGrain<ITransitionFeedGrain>(p).Unsubscribe(_reference)));
            grains.DeleteObjectReference<ITransitionObserver>(_reference);
            _reference = null;
        }
        finally
        {
            _subscribing.Release();
        }
    }

    /// <summary>Renews the subscriptions well within their lifetime while anyone listens.</summary>
    private async Task Renew(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(ITransitionFeedGrain.SubscriptionLifetime / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    if (_listeners.IsEmpty)
                    {
                        await Unsubscribe();
                    }
                    else
                    {
                        await Subscribe(stopping);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(3001, LogLevel.Warning, "Renewing the live feed subscription failed; retrying at the next tick")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    /// <summary>One screen's subscription: the changes in its area, newest kept when it falls behind.</summary>
    public sealed class Listener : IDisposable
    {
        private readonly TransitionHub _hub;
        private readonly System.Threading.Channels.Channel<IncidentTransition> _channel = System.Threading.Channels.Channel.CreateBounded<IncidentTransition>(
            new BoundedChannelOptions(ListenerBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal Listener(TransitionHub hub, string? areaId)
        {
            _hub = hub;
            AreaId = areaId;
        }

        public string? AreaId { get; }

        public ChannelReader<IncidentTransition> Reader => _channel.Reader;

        internal ChannelWriter<IncidentTransition> Writer => _channel.Writer;

        public void Dispose()
        {
            _hub._listeners.TryRemove(this, out _);
            _channel.Writer.TryComplete();
        }
    }
}
