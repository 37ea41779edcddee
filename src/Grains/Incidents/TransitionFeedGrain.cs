using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Dispatch.Incidents;

/// <summary>One partition of the live feed: hands what the silos' outboxes send (<see cref="FeedOutbox"/>) to the subscribed observers.</summary>
[GrainType("transition-feed")]
public sealed class TransitionFeedGrain(ILogger<TransitionFeedGrain> logger) : Grain, ITransitionFeedGrain
{
    private readonly ObserverManager<ITransitionObserver> _observers = new(ITransitionFeedGrain.SubscriptionLifetime, logger);

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
        if (_observers.Count > 0)
        {
            _observers.Notify(o => o.OnTransitions(transitions));
        }

        return Task.CompletedTask;
    }
}
