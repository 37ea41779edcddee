using Orleans.Concurrency;
using Dispatch.Incidents;
using Dispatch.Workforce;

namespace Dispatch.Desks;

/// <summary>
/// The grid leader's desk, keyed by grid id. Takes cases in from the grid's delivery stream,
/// merges duplicates, assigns workers, and runs the grid's deadline wheel.
/// </summary>
[Alias("Dispatch.IGridGrain")]
public interface IGridGrain : IGrainWithStringKey
{
    /// <summary>
    /// The desk, or null when no grid has this id. Its name and place come from the current map; a
    /// grid the map no longer has shows the place it had when it was retired.
    /// </summary>
    [Alias("GetDesk")] Task<GridDesk?> GetDesk();

    /// <summary>Adds or updates a worker on the roster.</summary>
    [Alias("UpsertWorker")] Task UpsertWorker(WorkerProfile profile);

    /// <summary>Duty on or off, effective at once: off duty hands back cases not yet accepted; on duty picks up waiting cases.</summary>
    [Alias("ChangeDuty")] Task ChangeDuty(string workerId, bool onDuty);

    /// <summary>Told by an incident what a worker or operator recorded on it. One-way: the incident does not wait.</summary>
    [OneWay, Alias("OnCaseEvents")] Task OnCaseEvents(IReadOnlyList<CaseEvent> events);

    /// <summary>Gives the case to another worker (named, or picked by the assignment policy when null).</summary>
    [Alias("Reassign")] Task<IncidentView> Reassign(string incidentId, string? workerId, ActorRef actor, string reason);

    /// <summary>
    /// The worker left this grid's roster (moved to another grid): cases dispatched to them and not yet
    /// accepted go on to someone else; cases they accepted stay theirs to finish.
    /// </summary>
    [Alias("RemoveWorker")] Task RemoveWorker(string workerId, string reason);

    [Alias("GetAssignments")] Task<IReadOnlyList<CaseEntry>> GetAssignments(string workerId);

    /// <summary>
    /// The grid is not in territory version <paramref name="territoryVersion"/>: its desk closes, and
    /// each of its open cases moves to the desk that now holds the case's location (an event on the
    /// case, listed on both desks). Cases that reach it later are moved on the same way. Answers how
    /// many cases it moved; calling it again moves only what is left. <paramref name="lastPlace"/> is
    /// where the grid was, shown on its desk from now on. A later version that has the grid again
    /// opens its desk again.
    /// </summary>
    [Alias("Retire")] Task<int> Retire(int territoryVersion, GridSetup lastPlace);

    /// <summary>Fires every deadline that is due. Called by the desk's own timer and reminder.</summary>
    [Alias("Wake")] Task Wake();
}
