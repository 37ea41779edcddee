using System.Security.Cryptography;
using Dispatch.Access;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Workforce;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Apis;

public sealed record IssueKeyRequest(string? Name, string? Role, string? WorkerId, string? Scope);

public sealed record ScopeRequest(string? Scope);

/// <summary>A key as the admin API lists it: never the key, which is shown once, when it is issued.</summary>
/// <param name="Source"><c>issued</c> (through this API, kept hashed in the cluster) or <c>configuration</c> (<c>Gateway:ApiKeys</c>, changed only there).</param>
public sealed record KeyInfo(
    string Id,
    string Name,
    string Role,
    string? WorkerId,
    string? Scope,
    string Source,
    DateTimeOffset? IssuedAt,
    string? IssuedBy,
    DateTimeOffset? RevokedAt,
    string? RevokedBy);

/// <summary>A key just issued: <see cref="Key"/> is the secret, shown this once and kept nowhere.</summary>
public sealed record IssuedKeyResponse(string Key, KeyInfo Info);

public sealed record KeyListResponse(IReadOnlyList<KeyInfo> Items);

/// <summary>Issuing, listing, scoping and revoking API keys at run time, under <c>/api/v1/admin/keys</c> (admin keys).</summary>
public static class AdminKeysApi
{
    public const string Issued = "issued";
    public const string Configured = "configuration";
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapAdminKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/admin/keys").WithTags("Admin").RequireAuthorization(Policies.Admin);
        keys.MapPost("/", Issue)
            .WithSummary("Issue a key: {name, role, workerId (worker keys), scope (operator and hotline keys: district:…, street:… or community:…)}. The answer holds the key, shown once; only its SHA-256 is kept.");
        keys.MapGet("/", List)
            .WithSummary("Every key: issued ones (revoked too) and configured ones. Never the keys themselves.");
        keys.MapGet("/{id}", Get).WithSummary("One key by its id.");
        keys.MapPut("/{id}/scope", SetScope)
            .WithSummary("Limit an issued operator or hotline key to an area ({\"scope\": \"district:D01\"}), or give it the whole city ({\"scope\": null}). Every gateway applies it within Gateway:KeyRefreshInterval.");
        keys.MapDelete("/{id}", Revoke)
            .WithSummary("Revoke an issued key for good. Refused at once by this gateway, by every other within Gateway:KeyRefreshInterval.");
        return app;
    }

    private static async Task<Created<IssuedKeyResponse>> Issue(
        IssueKeyRequest body, HttpContext http, IGrainFactory grains, ClusterCalls calls, ApiKeyRegistry registry,
        IssuedKeyRefresher refresher, IOptions<DispatchOptions> options, TimeProvider clock)
    {
        var name = body.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength || CaseText.IsBlank(name) || name.Any(char.IsControl))
        {
            throw new ValidationFailedException("name", $"A key's name is 1 to {MaxNameLength} visible characters without control characters.");
        }

        var role = body.Role?.Trim().ToLowerInvariant() ?? "";
        if (!Roles.All.Contains(role))
        {
            throw new ValidationFailedException("role", $"'{body.Role}' is not a role. Roles: {string.Join(", ", Roles.All)}.");
        }

        string? workerId = null;
        if (role == Roles.Worker)
        {
            workerId = string.IsNullOrWhiteSpace(body.WorkerId)
                ? throw new ValidationFailedException("workerId", "A worker key names the worker it acts as.")
                : body.WorkerId.Trim();
            if (workerId.Length > MaxNameLength || CaseText.IsBlank(workerId) || workerId.Any(c => char.IsControl(c) || char.IsSurrogate(c)
                || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format))
            {
                throw new ValidationFailedException("workerId", $"Worker '{workerId}' does not exist.");
            }

            _ = await calls.Idempotent(() => grains.GetGrain<IWorkerGrain>(workerId).Get())
                ?? throw new ValidationFailedException("workerId", $"Worker '{workerId}' does not exist.");
        }
        else if (!string.IsNullOrWhiteSpace(body.WorkerId))
        {
            throw new ValidationFailedException("workerId", "Only worker keys name a worker.");
        }

        var scope = await CheckedScope(role, body.Scope, grains, calls, options);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = new IssuedKey(
            "k-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            name, role, workerId, scope, ApiKeyRegistry.HashOf(secret), clock.GetUtcNow(), IdOf(http));

        // The id is fixed before the call, so a retry stores the key once.
        var stored = await calls.Idempotent(() => grains.GetGrain<IKeyringGrain>(0).Issue(key));
        await refresher.Refresh();
        return TypedResults.Created($"/api/v1/admin/keys/{stored.Id}", new IssuedKeyResponse(secret, InfoOf(stored)));
    }

    private static Ok<KeyListResponse> List(ApiKeyRegistry registry) =>
        TypedResults.Ok(new KeyListResponse([.. All(registry)]));

    private static async Task<Ok<KeyInfo>> Get(string id, ApiKeyRegistry registry, IssuedKeyRefresher refresher)
    {
        await refresher.Refresh();
        return TypedResults.Ok(All(registry).FirstOrDefault(k => k.Id == id) ?? throw new NotFoundException("key", id));
    }

    private static async Task<Ok<KeyInfo>> SetScope(
        string id, ScopeRequest body, IGrainFactory grains, ClusterCalls calls, ApiKeyRegistry registry,
        IssuedKeyRefresher refresher, IOptions<DispatchOptions> options)
    {
        var current = await IssuedOnly(id, registry, refresher);
        if (current.IsRevoked)
        {
            throw new ValidationFailedException("id", $"Key '{id}' is revoked; issue a new one.");
        }

        var scope = await CheckedScope(current.Role, body.Scope, grains, calls, options);
        var changed = await calls.Idempotent(() => grains.GetGrain<IKeyringGrain>(0).SetScope(id, scope)) ?? throw new NotFoundException("key", id);
        await refresher.Refresh();
        return TypedResults.Ok(InfoOf(changed));
    }

    private static async Task<Ok<KeyInfo>> Revoke(
        string id, HttpContext http, IGrainFactory grains, ClusterCalls calls, ApiKeyRegistry registry, IssuedKeyRefresher refresher)
    {
        await IssuedOnly(id, registry, refresher);
        var revoked = await calls.Idempotent(() => grains.GetGrain<IKeyringGrain>(0).Revoke(id, IdOf(http))) ?? throw new NotFoundException("key", id);
        await refresher.Refresh();
        return TypedResults.Ok(InfoOf(revoked));
    }

    /// <summary>The issued key with this id, as the keyring holds it now; a configured key is refused by name.</summary>
    private static async Task<IssuedKey> IssuedOnly(string id, ApiKeyRegistry registry, IssuedKeyRefresher refresher)
    {
        if (registry.Keys.Any(k => k.KeyId == id))
        {
            throw new ValidationFailedException("id", $"Key '{id}' is configured (Gateway:ApiKeys): change it in the configuration.");
        }

        await refresher.Refresh();
        return registry.Issued.FirstOrDefault(k => k.Id == id) ?? throw new NotFoundException("key", id);
    }

    /// <summary>The scope as stored (a desk key of an existing district, street or community), or null for the whole city.</summary>
    private static async Task<string?> CheckedScope(string role, string? scope, IGrainFactory grains, ClusterCalls calls, IOptions<DispatchOptions> options)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            return null;
        }

        scope = scope.Trim();
        if (AreaScope.Problem(role, scope) is { } problem)
        {
            throw new ValidationFailedException("scope", problem + ".");
        }

        var area = DeskRef.Parse(scope);
        var territory = grains.GetGrain<ITerritoryGrain>(options.Value.CityId);
        return await calls.Idempotent(() => territory.GetArea(area.Id)) is { } found && found.Level == area.Level
            ? area.Key
            : throw new ValidationFailedException("scope", $"There is no {area.Level.ToString().ToLowerInvariant()} '{area.Id}' in the territory.");
    }

    private static IEnumerable<KeyInfo> All(ApiKeyRegistry registry) =>
    [
        .. registry.Keys.Select(k => new KeyInfo(k.KeyId, k.Name, k.Role, k.WorkerId, string.IsNullOrEmpty(k.Scope) ? null : k.Scope, Configured, null, null, null, null)),
        .. registry.Issued.OrderBy(k => k.IssuedAt).Select(InfoOf),
    ];

    private static KeyInfo InfoOf(IssuedKey k) =>
        new(k.Id, k.Name, k.Role, k.WorkerId, k.Scope, Issued, k.IssuedAt, k.IssuedBy, k.RevokedAt, k.RevokedBy);

    private static string IdOf(HttpContext http) => ApiKeyHandler.KeyIdOf(http.User) ?? "unknown";
}
