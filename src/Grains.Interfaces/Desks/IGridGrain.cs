using Orleans.Concurrency;
using Dispatch.Incidents;
using Dispatch.Workforce;

namespace Dispatch.Desks;

/// <summary>
/// The grid leader's desk, keyed by grid id. Takes incidents in from the grid's intake stream,
/// merges duplicates, assigns workers, and runs the grid's deadline wheel.
/// </summary>
[Alias("Dispatch.IGridGrain")]
public interface IGridGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(GridSetup setup);

    /// <summary>The desk, or null when no grid has this id.</summary>
    [Alias("GetDesk")] Task<GridDesk?> GetDesk();

    [Alias("GetStatistics")] Task<CaseStatistics> GetStatistics();

    /// <summary>Adds or updates a worker on the roster.</summary>
    [Alias("UpsertWorker")] Task UpsertWorker(WorkerProfile profile);

    /// <summary>Duty on or off, effective at once: off duty hands back cases not yet accepted; on duty picks up waiting cases.</summary>
    [Alias("ChangeDuty")] Task ChangeDuty(string workerId, bool onDuty);

    /// <summary>Told by an incident after a worker or operator changed it. One-way: the incident does not wait.</summary>
    [OneWay, Alias("OnIncidentChanged")] Task OnIncidentChanged(IncidentView view);

    /// <summary>Gives the case to another worker (named, or picked by the assignment policy when null).</summary>
    [Alias("Reassign")] Task<IncidentView> Reassign(string incidentId, string? workerId, ActorRef actor, string reason);

    [Alias("GetAssignments")] Task<IReadOnlyList<CaseEntry>> GetAssignments(string workerId);

    /// <summary>Fires every deadline that is due. Called by the desk's own timer and reminder.</summary>
    [Alias("Wake")] Task Wake();
}
