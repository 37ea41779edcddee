using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
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
}

/// <summary>Bound from <c>Gateway:ApiKeys</c> (a list; settable through environment variables as <c>Gateway__ApiKeys__0__Key</c> ...).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Gateway";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>When no key is configured, make and print development keys. Default: true.</summary>
    public bool GenerateDevelopmentKeys { get; set; } = true;

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
    ApiKeyRegistry registry) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string WorkerIdClaim = "dispatch:worker";
    public const string Open311Parameter = "api_key";
    public const string Open311Path = "/open311";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers.TryGetValue(Header, out var values) && values.Count > 0 ? values[0] : await Open311Key();
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        return registry.Find(presented) is { } entry
            ? AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(entry), SchemeName))
            : AuthenticateResult.Fail("Unknown API key.");
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

    /// <summary>The principal of a key holder: its name, its role and, for a worker key, its worker.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKeyEntry entry)
    {
        List<Claim> claims = [new(ClaimTypes.Name, entry.Name), new(ClaimTypes.Role, entry.Role)];
        if (entry.WorkerId is not null)
        {
            claims.Add(new Claim(WorkerIdClaim, entry.WorkerId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}

/// <summary>The keys in force, compared in constant time.</summary>
public sealed class ApiKeyRegistry(IReadOnlyList<ApiKeyEntry> keys, bool generated)
{
    public IReadOnlyList<ApiKeyEntry> Keys { get; } = keys;

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

    public ApiKeyEntry? Find(string? presented)
    {
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

        return found;
    }
}
