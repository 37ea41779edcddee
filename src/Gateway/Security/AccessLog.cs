namespace Dispatch.Gateway.Security;

/// <summary>
/// Every refusal of a key, logged with the key's id (a configured key's name, an issued key's id):
/// never the key itself, which the logs must not be able to leak.
/// </summary>
public static partial class AccessLog
{
    public const string Category = "Dispatch.Gateway.Access";

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: the API key presented is not known.")]
    public static partial void UnknownKey(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: key {KeyId} is revoked.")]
    public static partial void RevokedKey(ILogger logger, string keyId, string method, string path);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Warning, Message = "Refused {Method} {Path} to key {KeyId} (role {Role}): {Reason}")]
    public static partial void Refused(ILogger logger, string? keyId, string? role, string method, string path, string reason);

    /// <summary>A refusal of the request's key, with what the request was.</summary>
    public static void Refused(HttpContext http, string reason)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        Refused(logger, ApiKeyHandler.KeyIdOf(http.User), http.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value,
            http.Request.Method, http.Request.Path, reason);
    }
}
