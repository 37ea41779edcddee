using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Dispatch.Incidents;

/// <summary>One partition of the live feed: hands every published change to the subscribed observers.</summary>
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

    public Task Publish(IncidentTransition transition)
    {
        if (_observers.Count > 0)
        {
            IReadOnlyList<IncidentTransition> batch = [transition];
            _observers.Notify(o => o.OnTransitions(batch));
        }

        return Task.CompletedTask;
    }
}
