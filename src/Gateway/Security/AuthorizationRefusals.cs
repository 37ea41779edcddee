using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Dispatch.Gateway.Security;

/// <summary>Logs every request the authorization policies forbid (a role without the right), then answers as the framework does.</summary>
public sealed class AuthorizationRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            AccessLog.Refused(context, "the key's role may not do this");
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
