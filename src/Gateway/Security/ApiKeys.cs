using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Dispatch.Access;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Security;

/// <summary>The roles of the front door.</summary>
public static class Roles
{
    public const string Hotline = "hotline";
    public const string Worker = "worker";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly string[] All = [Hotline, Worker, Operator, Admin];
}

/// <summary>One API key: who holds it and what they may do.</summary>
public sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>hotline, worker, operator or admin.</summary>
    public string Role { get; set; } = "";

    /// <summary>For worker keys: the worker id the key acts as.</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// For operator and hotline keys: the area the key is limited to, as a desk key
    /// (<c>district:D01</c>, <c>street:D01-S01</c>, <c>community:D01-S01-C01</c>); unset for the whole city.
    /// </summary>
    public string? Scope { get; set; }

    /// <summary>What logs, lists and limits call the key (never the key itself): a configured key's is its name, an issued key's its id.</summary>
    public string? Id { get; set; }

    public string KeyId => string.IsNullOrEmpty(Id) ? Name : Id;
}

/// <summary>Bound from <c>Gateway:ApiKeys</c> (a list; settable through environment variables as <c>Gateway__ApiKeys__0__Key</c> ...).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Gateway";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>When no key is configured, make and print development keys. Default: true.</summary>
    public bool GenerateDevelopmentKeys { get; set; } = true;

    /// <summary>
    /// How often a gateway looks for keys issued, scoped or revoked through another gateway. Default:
    /// 5 s, the longest a revoked key still works elsewhere; the gateway that made the change applies it at once.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    public static ApiKeyEntry[] DevelopmentKeys(string workerId) =>
    [
        new() { Key = NewKey(), Name = "dev-hotline", Role = Roles.Hotline },
        new() { Key = NewKey(), Name = "dev-operator", Role = Roles.Operator },
        new() { Key = NewKey(), Name = "dev-admin", Role = Roles.Admin },
        new() { Key = NewKey(), Name = $"dev-worker-{workerId}", Role = Roles.Worker, WorkerId = workerId },
    ];

    /// <summary>What is wrong with the configured keys; empty when they can be used.</summary>
    public List<string> Problems() =>
    [
        .. ApiKeys.Where(k => string.IsNullOrWhiteSpace(k.Key)).Select(k => $"key '{k.Name}' is empty"),
        .. ApiKeys.Where(k => !Roles.All.Contains(k.Role)).Select(k => $"key '{k.Name}' has unknown role '{k.Role}'"),
        .. ApiKeys.Where(k => k.Role == Roles.Worker && string.IsNullOrWhiteSpace(k.WorkerId)).Select(k => $"worker key '{k.Name}' names no WorkerId"),
        .. ApiKeys.Select(k => (k.Name, Problem: string.IsNullOrEmpty(k.Scope) ? null : AreaScope.Problem(k.Role, k.Scope)))
            .Where(k => k.Problem is not null).Select(k => $"key '{k.Name}': {k.Problem}"),
        .. (KeyRefreshInterval > TimeSpan.Zero ? [] : new[] { "KeyRefreshInterval must be positive" }),
    ];

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the configured keys; under <c>/open311</c>, where
/// GeoReport v2 clients send their key as the <c>api_key</c> parameter, that parameter too.
/// </summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry,
    IssuedKeyRefresher refresher) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string WorkerIdClaim = "dispatch:worker";
    public const string KeyIdClaim = "dispatch:key";
    public const string Open311Parameter = "api_key";
    public const string Open311Path = "/open311";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers.TryGetValue(Header, out var values) && values.Count > 0 ? values[0] : await Open311Key();
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var entry = registry.Find(presented, out var revoked);
        if (entry is null && revoked is null && registry.IssuedVersion < 0)
        {
            // Just started and the keyring not read yet: read it now rather than turn an issued key away.
            await refresher.Refresh();
            entry = registry.Find(presented, out revoked);
        }

        if (entry is not null)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(entry, SchemeName), SchemeName));
        }

        if (revoked is not null)
        {
            AccessLog.RevokedKey(Logger, revoked.Id, Request.Method, Request.Path);
            return AuthenticateResult.Fail("Revoked API key.");
        }

        AccessLog.UnknownKey(Logger, Request.Method, Request.Path);
        return AuthenticateResult.Fail("Unknown API key.");
    }

    /// <summary>The <c>api_key</c> of an Open311 request: in its query string, or in its form body (a POST).</summary>
    private async Task<string?> Open311Key()
    {
        if (!Request.Path.StartsWithSegments(Open311Path, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (Request.Query.TryGetValue(Open311Parameter, out var query) && query.Count > 0)
        {
            return query[0];
        }

        if (!Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            // The form is kept on the request: the endpoint reads it again without reading the body twice.
            var form = await Request.ReadFormAsync(Context.RequestAborted);
            return form.TryGetValue(Open311Parameter, out var posted) && posted.Count > 0 ? posted[0] : null;
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException or IOException)
        {
            // Unreadable: the endpoint reads the form itself and says what is wrong with it.
            return null;
        }
    }

    /// <summary>The principal of a key holder: its name, id and role and, for a worker key, its worker; for a scoped key, its area.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKeyEntry entry, string scheme)
    {
        List<Claim> claims = [new(ClaimTypes.Name, entry.Name), new(KeyIdClaim, entry.KeyId), new(ClaimTypes.Role, entry.Role)];
        if (entry.WorkerId is not null)
        {
            claims.Add(new Claim(WorkerIdClaim, entry.WorkerId));
        }

        if (!string.IsNullOrEmpty(entry.Scope))
        {
            claims.Add(new Claim(AreaScope.Claim, entry.Scope));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The id of the key a request came with (a configured key's name, an issued key's id); never the key.</summary>
    public static string? KeyIdOf(ClaimsPrincipal user) => user.FindFirstValue(KeyIdClaim) ?? user.Identity?.Name;
}

/// <summary>
/// The keys in force: the configured ones (compared in constant time) and the ones issued at run time
/// (found by the SHA-256 of what was presented; only hashes are kept), the latter swapped whole
/// whenever the keyring changed (<see cref="IssuedKeyRefresher"/>).
/// </summary>
public sealed class ApiKeyRegistry(IReadOnlyList<ApiKeyEntry> keys, bool generated)
{
    private volatile IssuedSnapshot _issued = IssuedSnapshot.Empty;

    /// <summary>The configured keys (or this run's development keys).</summary>
    public IReadOnlyList<ApiKeyEntry> Keys { get; } = keys;

    /// <summary>The keyring version in use here; -1 until the keyring was first read.</summary>
    public long IssuedVersion => _issued.Version;

    /// <summary>Every issued key known here, revoked ones too.</summary>
    public IReadOnlyCollection<IssuedKey> Issued => _issued.ById.Values;

    /// <summary>Takes up the keyring when it is newer than the one in use; answers whether it did.</summary>
    public bool Install(IssuedKeys keyring)
    {
        while (true)
        {
            var current = _issued;
            if (keyring.Version <= current.Version)
            {
                return false;
            }

#pragma warning disable CS0420 // a volatile field passed by reference: Interlocked gives the same guarantee
            if (Interlocked.CompareExchange(ref _issued, new IssuedSnapshot(keyring), current) == current)
#pragma warning restore CS0420
            {
                return true;
            }
        }
    }

    /// <summary>Prints the URLs and, when they were made for this run, the development keys.</summary>
    public void PrintDevelopmentKeys(ICollection<string> urls)
    {
        Console.WriteLine($"Dispatch is listening on {string.Join(", ", urls)}");
        if (!generated)
        {
            return;
        }

        Console.WriteLine("Development API keys (header X-Api-Key); set Gateway:ApiKeys to use your own:");
        foreach (var key in Keys)
        {
            Console.WriteLine($"  {key.Role,-9} {key.Key}  {key.Name}");
        }
    }

    public ApiKeyEntry? Find(string? presented) => Find(presented, out _);

    /// <summary>The key in force that <paramref name="presented"/> is; <paramref name="revoked"/> names an issued key it was before its revocation.</summary>
    public ApiKeyEntry? Find(string? presented, out IssuedKey? revoked)
    {
        revoked = null;
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(presented);
        ApiKeyEntry? found = null;
        foreach (var entry in Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, System.Text.Encoding.UTF8.GetBytes(entry.Key)))
            {
                found = entry;
            }
        }

        if (found is not null || !_issued.ByHash.TryGetValue(HashOf(presented), out var issued))
        {
            return found;
        }

        if (issued.IsRevoked)
        {
            revoked = issued;
            return null;
        }

        return EntryOf(issued);
    }

    /// <summary>The key in force with this id (a configured key's name, an issued key's id), to re-check a browser's sign-in.</summary>
    public ApiKeyEntry? FindById(string? keyId) =>
        Keys.FirstOrDefault(k => k.KeyId == keyId)
        ?? (keyId is not null && _issued.ById.TryGetValue(keyId, out var issued) && !issued.IsRevoked ? EntryOf(issued) : null);

    /// <summary>SHA-256 of a key's text, lower-case hex: what the keyring stores.</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static ApiKeyEntry EntryOf(IssuedKey issued) => new()
    {
        Id = issued.Id,
        Name = issued.Name,
        Role = issued.Role,
        WorkerId = issued.WorkerId,
        Scope = issued.Scope,
    };

    private sealed class IssuedSnapshot
    {
        public static readonly IssuedSnapshot Empty = new(new IssuedKeys(-1, []));

        public IssuedSnapshot(IssuedKeys keyring)
        {
            Version = keyring.Version;
            ById = keyring.Keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
            ByHash = keyring.Keys.ToDictionary(k => k.Hash, StringComparer.Ordinal);
        }

        public long Version { get; }

        public Dictionary<string, IssuedKey> ById { get; }

        public Dictionary<string, IssuedKey> ByHash { get; }
    }
}
