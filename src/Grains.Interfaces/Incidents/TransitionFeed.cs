using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>One change of a case as the live feed carries it: the new timeline line and where the case is.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IncidentTransition")]
public sealed record IncidentTransition(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] int Version,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] IncidentAction Action,
    [property: Id(4)] IncidentStatus From,
    [property: Id(5)] IncidentStatus To,
    [property: Id(6)] string Actor,
    [property: Id(7)] string? Reason,
    [property: Id(8)] string Category,
    [property: Id(9)] TerritoryPath Path,
    [property: Id(10)] DeskRef Tracker,
    [property: Id(11)] Assignee? Assignee)
{
    /// <summary>Whether the case lies in the area (a grid, community, street or district id, or the city id).</summary>
    public bool IsIn(string? areaId) =>
        areaId is null || areaId == Path.GridId || areaId == Path.CommunityId || areaId == Path.StreetId
        || areaId == Path.DistrictId || areaId == Path.CityId;
}

/// <summary>Receives the live feed: a gateway's observer.</summary>
[Alias("Dispatch.ITransitionObserver")]
public interface ITransitionObserver : IGrainObserver
{
    [Orleans.Concurrency.OneWay, Alias("OnTransitions")] Task OnTransitions(IReadOnlyList<IncidentTransition> transitions);
}

/// <summary>
/// One partition of the live feed (by a hash of the case number). Every silo sends the changes its
/// grains recorded here, gathered for a few milliseconds; subscribed observers receive each batch.
/// Best effort: a screen that missed something reads the register.
/// </summary>
[Alias("Dispatch.ITransitionFeedGrain")]
public interface ITransitionFeedGrain : IGrainWithIntegerKey
{
    public const int Partitions = 4;

    /// <summary>Subscribes or renews; a subscription not renewed within <see cref="SubscriptionLifetime"/> lapses.</summary>
    [Alias("Subscribe")] Task Subscribe(ITransitionObserver observer);

    [Alias("Unsubscribe")] Task Unsubscribe(ITransitionObserver observer);

    /// <summary>Changes recorded on one silo, each case's in order.</summary>
    [Orleans.Concurrency.OneWay, Alias("Publish")] Task Publish(IReadOnlyList<IncidentTransition> transitions);

    public static TimeSpan SubscriptionLifetime => TimeSpan.FromMinutes(2);
}
