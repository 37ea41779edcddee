using System.Security.Cryptography;
using System.Text.Json;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Incidents;
using Dispatch.Intake;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Security;

/// <summary>The case number a report is to be registered under, and whether the request repeats a report already registered.</summary>
public readonly record struct ReservedCase(string IncidentId, bool Replay);

/// <summary>
/// The <c>Idempotency-Key</c> protocol of reports. A key, per API key holder, reserves a case number on
/// its first use; a resubmission of the same report gets the same number (which the intake registers only
/// once) and is answered as a replay; the same key with a different report is refused.
/// </summary>
public sealed class IdempotencyKeys(IGrainFactory grains, ClusterCalls calls, TimeProvider clock, IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    /// <summary>The case number for this report: the one its idempotency key holds, or a new one when it sends no key.</summary>
    /// <exception cref="ValidationFailedException">The key is malformed, or was used for a different report.</exception>
    public async Task<ReservedCase> Reserve<TReport>(HttpContext http, TReport report)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var keys))
        {
            return new ReservedCase(IncidentIds.New(clock.GetUtcNow()), Replay: false);
        }

        var key = keys.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new ValidationFailedException(Header, $"An idempotency key is 1 to {MaxKeyLength} printable ASCII characters without spaces.");
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(report, json.Value.SerializerOptions)));
        var holder = grains.GetGrain<IIdempotencyGrain>($"{http.User.Identity?.Name}/{key}");
        var claim = await calls.Idempotent(() => holder.Claim(fingerprint));
        if (!claim.SameRequest)
        {
            throw new ValidationFailedException(Header, $"This idempotency key was used for a different report ({claim.IncidentId}).");
        }

        // A repeat whose earlier attempt is not a case (refused, lost, or still on its way) registers it now: no replay.
        var replay = !claim.FirstUse && await calls.Idempotent(() => grains.GetGrain<IIncidentGrain>(claim.IncidentId).Get()) is not null;
        return new ReservedCase(claim.IncidentId, replay);
    }
}
