using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Intake;

/// <summary>
/// The front of the pipeline (first-contact responsibility): validates a report against the
/// catalog, locates it, and registers it with its incident grain. A stateless worker, so every
/// silo takes reports in parallel.
/// </summary>
[Alias("Dispatch.IIntakeGrain")]
public interface IIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Registers a report. Answers once the incident is persisted and recorded for re-drive.</summary>
    [Alias("Report")] Task<IncidentView> Report(NewReport report, ActorRef actor);

    /// <summary>Resolves a location to its place in the territory: building id, coordinates, or address.</summary>
    [Alias("Locate")] Task<Placement> Locate(ReportedLocation location);
}

/// <summary>
/// One partition of the re-drive ledger: incidents registered but not yet acknowledged by their
/// desk. It outlives a lost stream message or a dead silo and re-publishes what was not taken in.
/// </summary>
[Alias("Dispatch.IIntakeLedgerGrain")]
public interface IIntakeLedgerGrain : IGrainWithIntegerKey
{
    /// <summary>Records an incident as awaiting delivery; answers once that record is durable.</summary>
    [Alias("Add")] Task Add(string incidentId);

    /// <summary>Re-drives every entry older than the re-drive delay and forgets the delivered ones.</summary>
    [Alias("Sweep")] Task Sweep();

    [Alias("PendingCount")] Task<int> PendingCount();
}
