namespace Dispatch.Access;

/// <summary>
/// An API key issued at run time, as stored: never the key itself, only its SHA-256 hash.
/// </summary>
/// <param name="Id">Names the key in lists, logs and the admin API (<c>k-</c> and 12 hex digits); not secret.</param>
/// <param name="Role">hotline, worker, operator or admin.</param>
/// <param name="WorkerId">For worker keys: the worker the key acts as.</param>
/// <param name="Scope">For operator and hotline keys: the area key (<c>district:D01</c>, <c>street:…</c>, <c>community:…</c>) the key is limited to; null for the whole city.</param>
/// <param name="Hash">SHA-256 of the key's text, lower-case hex.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.IssuedKey")]
public sealed record IssuedKey(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role,
    [property: Id(3)] string? WorkerId,
    [property: Id(4)] string? Scope,
    [property: Id(5)] string Hash,
    [property: Id(6)] DateTimeOffset IssuedAt,
    [property: Id(7)] string IssuedBy,
    [property: Id(8)] DateTimeOffset? RevokedAt = null,
    [property: Id(9)] string? RevokedBy = null)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Every issued key (revoked ones too, so lists and logs can still name them) and the keyring's version.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.IssuedKeys")]
public sealed record IssuedKeys(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<IssuedKey> Keys);

/// <summary>
/// The API keys issued at run time (one grain, key 0), kept hashed in the cluster's grain storage.
/// Every gateway reads the whole keyring at start and again whenever its version moved
/// (<c>Gateway:KeyRefreshInterval</c>); the gateway that made a change applies it at once.
/// Checking what may be issued (roles, scopes, workers) is the gateway's: the keyring stores.
/// </summary>
[Alias("Dispatch.IKeyringGrain")]
public interface IKeyringGrain : IGrainWithIntegerKey
{
    /// <summary>Stores a new key; the same id again is answered with the stored key, unchanged (a retried issue).</summary>
    [Alias("Issue")] Task<IssuedKey> Issue(IssuedKey key);

    /// <summary>Sets or clears the area a key is limited to; a revoked key is answered unchanged. Null when no such key is issued.</summary>
    [Alias("SetScope")] Task<IssuedKey?> SetScope(string id, string? scope);

    /// <summary>Revokes a key for good; revoking a revoked key changes nothing. Null when no such key is issued.</summary>
    [Alias("Revoke")] Task<IssuedKey?> Revoke(string id, string by);

    /// <summary>Every key, unless the keyring's version is still <paramref name="knownVersion"/> (then null: nothing changed).</summary>
    [Alias("GetIfChanged")] Task<IssuedKeys?> GetIfChanged(long knownVersion);
}
