using Dispatch.Incidents;

namespace Dispatch.Intake;

/// <summary>The answer to a report sent under an idempotency key: its case, and whether an earlier request had already registered it.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IdempotentReport")]
public sealed record IdempotentReport(
    [property: Id(0)] IncidentView View,
    [property: Id(1)] bool Replayed);

/// <summary>
/// One idempotency key of one API key holder (key: <c>holder/idempotency-key</c>), kept in the
/// cluster's grain storage (the SQLite file or PostgreSQL), so it holds across gateways and restarts.
/// Orleans runs one activation per key and this grain takes one request at a time, so requests
/// racing under one key are decided one after the other: the first report is registered, the same
/// report again is answered with its case, a different report is refused.
/// </summary>
[Alias("Dispatch.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers <paramref name="report"/> under this key unless the key already holds a case. The key is
    /// written only once the report has passed validation and been located, so a refused report leaves no trace.
    /// </summary>
    /// <param name="fingerprint">A hash of the request, so a key reused for a different report is refused.</param>
    /// <exception cref="Errors.ValidationFailedException">The key holds a case of a different report (field <c>Idempotency-Key</c>), or the report is invalid.</exception>
    [Alias("Report")] Task<IdempotentReport> Report(string fingerprint, NewReport report, ActorRef actor);
}
