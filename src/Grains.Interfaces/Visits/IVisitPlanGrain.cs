using Dispatch.Incidents;

namespace Dispatch.Visits;

/// <summary>
/// A grid's visit plan, keyed by grid id: makes a patrol case for each visit when it falls due, on
/// its own clock, so the visits happen whether or not anyone reports anything.
/// </summary>
[Alias("Dispatch.IVisitPlanGrain")]
public interface IVisitPlanGrain : IGrainWithStringKey
{
    /// <summary>
    /// Replaces the plan. A visit kept with the same schedule keeps its place in it; a new or changed
    /// one is next due at its start, or at its first occurrence from now when the start is past.
    /// Refuses the whole plan (changing nothing) when any visit is invalid.
    /// </summary>
    [Alias("Replace")] Task<VisitPlanView> Replace(IReadOnlyList<PlannedVisit> visits, ActorRef actor);

    [Alias("Get")] Task<VisitPlanView> Get();

    /// <summary>Makes the cases of the visits that are due. Called by the plan's own timer and reminder.</summary>
    [Alias("Wake")] Task Wake();
}
