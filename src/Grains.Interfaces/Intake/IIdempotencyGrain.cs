namespace Dispatch.Intake;

/// <summary>What an idempotency key stands for: the case number it reserved, and whether this request may use it.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IdempotencyClaim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] bool FirstUse,
    [property: Id(2)] bool SameRequest);

/// <summary>
/// One idempotency key of one API key holder (key: <c>holder/idempotency-key</c>). The first
/// request reserves a case number; a resubmission with the same request gets the same number,
/// which the incident grain registers only once.
/// </summary>
[Alias("Dispatch.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <param name="fingerprint">A hash of the request, so a key reused for a different report is refused.</param>
    [Alias("Claim")] Task<IdempotencyClaim> Claim(string fingerprint);
}
