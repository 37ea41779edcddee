using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Dispatch.Incidents;

/// <summary>
/// One partition of the live feed: gathers the changes published within <see cref="Gather"/> and
/// hands them to the subscribed observers in one message each, so a busy city costs a screen a
/// message per window rather than one per change.
/// </summary>
[GrainType("transition-feed")]
public sealed class TransitionFeedGrain(ILogger<TransitionFeedGrain> logger) : Grain, ITransitionFeedGrain
{
    /// <summary>How long changes gather before they go out together.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(15);

    private readonly ObserverManager<ITransitionObserver> _observers = new(ITransitionFeedGrain.SubscriptionLifetime, logger);
    private List<IncidentTransition> _gathered = [];
    private IGrainTimer? _flush;

    public Task Subscribe(ITransitionObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ITransitionObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task Publish(IReadOnlyList<IncidentTransition> transitions)
    {
        if (_observers.Count == 0)
        {
            return Task.CompletedTask;
        }

        _gathered.AddRange(transitions);
        _flush ??= this.RegisterGrainTimer(Flush, new GrainTimerCreationOptions(Gather, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        return Task.CompletedTask;
    }

    private Task Flush()
    {
        _flush?.Dispose();
        _flush = null;
        var batch = _gathered;
        _gathered = [];
        if (batch.Count > 0)
        {
            _observers.Notify(o => o.OnTransitions(batch));
        }

        return Task.CompletedTask;
    }
}
