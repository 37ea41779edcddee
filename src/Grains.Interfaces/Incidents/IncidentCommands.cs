using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>A report as it arrives from the hotline, a patrol or an app, before it is located.</summary>
/// <param name="IncidentId">Optional id chosen by the caller (idempotent resubmission); a new one is made when null.</param>
/// <param name="MediaUrl">Optional link to a photo or other media of the problem (an absolute http or https URL).</param>
[GenerateSerializer, Immutable, Alias("Dispatch.NewReport")]
public sealed record NewReport(
    [property: Id(0)] string Category,
    [property: Id(1)] string Description,
    [property: Id(2)] Reporter Reporter,
    [property: Id(3)] Channel Channel,
    [property: Id(4)] ReportedLocation Location,
    [property: Id(5)] string? IncidentId = null,
    [property: Id(6)] string? MediaUrl = null);

/// <summary>A located report, handed to its incident grain to be registered.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.RegisterIncident")]
public sealed record RegisterIncident(
    [property: Id(0)] string Category,
    [property: Id(1)] string Description,
    [property: Id(2)] Reporter Reporter,
    [property: Id(3)] Channel Channel,
    [property: Id(4)] Placement Placement,
    [property: Id(5)] string Actor,
    [property: Id(6)] string? MediaUrl = null);

/// <summary>
/// Published on the delivery stream of the desk that tracks a case, once the case is recorded (and
/// again by the re-drive while no desk has taken it in): the case's events so far, so the desk
/// folds them without reading the journal. <see cref="TraceParent"/> carries the publisher's trace
/// (W3C traceparent, null when nothing is traced) across the stream, which does not carry it itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CaseRouted")]
public sealed record CaseRouted(
    [property: Id(0)] string CaseId,
    [property: Id(1)] IReadOnlyList<CaseEvent> Events,
    [property: Id(2)] string? TraceParent = null);
