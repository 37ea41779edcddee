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
    /// <summary>Registers a report. Answers once the case is recorded in the journal (from where the re-drive finds it if its delivery is lost).</summary>
    [Alias("Report")] Task<IncidentView> Report(NewReport report, ActorRef actor);

    /// <summary>
    /// Validates and locates a report without registering it: what its incident grain's
    /// <see cref="IIncidentGrain.Register"/> takes. A refusal here has stored nothing.
    /// </summary>
    [Alias("Prepare")] Task<RegisterIncident> Prepare(NewReport report, ActorRef actor);

    /// <summary>Resolves a location to its place in the territory: building id, coordinates, or address.</summary>
    [Alias("Locate")] Task<Placement> Locate(ReportedLocation location);
}
