using System.Security.Cryptography;
using System.Text.Json;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Incidents;
using Dispatch.Intake;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Security;

/// <summary>
/// The <c>Idempotency-Key</c> protocol of reports. A report without a key is registered under a new
/// case number. A report with one goes through the key's grain (per API key holder), which registers
/// the first report and answers a resubmission of the same report with its case (a replay) and the
/// same key with a different report with a refusal. The key lives in the cluster's storage, so any
/// gateway finds it.
/// </summary>
public sealed class IdempotencyKeys(IGrainFactory grains, ClusterCalls calls, TimeProvider clock, IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    /// <summary>Registers <paramref name="report"/> (whose <c>IncidentId</c> is left unset), under the request's idempotency key when it has one.</summary>
    /// <param name="request">The body as received: its fingerprint tells a resubmission from a different report.</param>
    /// <exception cref="ValidationFailedException">The key is malformed, or was used for a different report.</exception>
    public async Task<IdempotentReport> Register<TRequest>(HttpContext http, TRequest request, NewReport report, ActorRef actor)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var keys))
        {
            // The case number is fixed before the call, so a retry registers the same case at most once.
            var numbered = report with { IncidentId = IncidentIds.New(clock.GetUtcNow()) };
            return new IdempotentReport(await calls.Idempotent(() => grains.GetGrain<IIntakeGrain>(0).Report(numbered, actor)), Replayed: false);
        }

        var key = keys.ToString();
        if (keys.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new ValidationFailedException(Header, $"An idempotency key is one header of 1 to {MaxKeyLength} printable ASCII characters without spaces.");
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, json.Value.SerializerOptions)));
        // Per key id: a configured key's id is its name, as the holder was before keys could be issued.
        var holder = grains.GetGrain<IIdempotencyGrain>($"{ApiKeyHandler.KeyIdOf(http.User)}/{key}");

        // Safe to retry: a second attempt after a first that registered is answered as a replay.
        return await calls.Idempotent(() => holder.Report(fingerprint, report, actor));
    }
}
