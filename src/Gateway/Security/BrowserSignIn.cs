using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Dispatch.Gateway.Security;

/// <summary>
/// Signing a browser in with an API key, for the pages a browser opens directly (the Orleans
/// dashboard): a browser cannot send <c>X-Api-Key</c> with a link it follows. <c>/sign-in</c> takes
/// the key once in a form and keeps who it named (not the key) in an HttpOnly, SameSite=Strict cookie
/// for eight hours; the API itself still wants the header.
/// </summary>
public static class BrowserSignIn
{
    public const string CookieScheme = "BrowserCookie";

    /// <summary>The header when one is sent (scripts, tests), else the cookie.</summary>
    public const string KeyOrCookieScheme = "KeyOrCookie";

    public const string Path = "/sign-in";
    public const string SignOutPath = "/sign-out";
    private const string KeyField = "key";

    public static AuthenticationBuilder AddBrowserSignIn(this AuthenticationBuilder authentication) => authentication
        .AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "dispatch-sign-in";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = false;
            cookie.LoginPath = Path;
            cookie.AccessDeniedPath = Path;
            cookie.ReturnUrlParameter = "returnUrl";
            // A key taken out of the configuration or revoked ends the sign-ins made with it at the next request.
            cookie.Events.OnValidatePrincipal = context =>
            {
                var registry = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRegistry>();
                var role = context.Principal?.FindFirstValue(ClaimTypes.Role);
                if (context.Principal is null || registry.FindById(ApiKeyHandler.KeyIdOf(context.Principal)) is not { } key || key.Role != role)
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        })
        .AddPolicyScheme(KeyOrCookieScheme, "API key or signed-in browser", scheme =>
            scheme.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyHandler.Header) ? ApiKeyHandler.SchemeName : CookieScheme);

    public static IEndpointRouteBuilder MapBrowserSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            {
                // The page is anonymous; whoever the cookie names is looked up to say why they are here again.
                var signedIn = await context.AuthenticateAsync(CookieScheme);
                return Page(context, antiforgery, LocalOrDefault(returnUrl), signedIn.Principal, problem: null, StatusCodes.Status200OK);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        endpoints.MapPost(Path, async (HttpContext context, IAntiforgery antiforgery, ApiKeyRegistry registry,
                [FromForm(Name = KeyField)] string? key, [FromQuery] string? returnUrl) =>
            {
                var target = LocalOrDefault(returnUrl);
                if (registry.Find(key) is not { } entry)
                {
                    return Page(context, antiforgery, target, signedIn: null, "That key is not known here.", StatusCodes.Status401Unauthorized);
                }

                await context.SignInAsync(CookieScheme, ApiKeyHandler.PrincipalOf(entry, CookieScheme));
                return Results.LocalRedirect(target);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        endpoints.MapPost(SignOutPath, async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieScheme);
                return Results.LocalRedirect(Path);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// Only a path on this server: a link that would send the browser elsewhere after sign-in goes to
    /// the dashboard instead (browsers drop control characters, so <c>/\t/host</c> would leave too).
    /// </summary>
    private static string LocalOrDefault(string? returnUrl) =>
        returnUrl is ['/', not '/' and not '\\', ..] or "/" && !returnUrl.Any(char.IsControl) ? returnUrl : Observability.DashboardPath + "/";

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, ClaimsPrincipal? signedIn, string? problem, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        // The pages behind the sign-in are admins' (the Orleans dashboard): anyone else signed in is here because they were turned away.
        var user = signedIn?.Identity is { IsAuthenticated: true } identity
            ? signedIn.IsInRole(Roles.Admin)
                ? $"<p class=\"note\">Signed in as <b>{Encode(identity.Name)}</b> (admin).</p>"
                : $"<p class=\"note\">Signed in as <b>{Encode(identity.Name)}</b> ({Encode(signedIn.FindFirstValue(ClaimTypes.Role))}), which may not open <code>{Encode(returnUrl)}</code>: sign in with another key.</p>"
            : "";
        var error = problem is null ? "" : $"<p class=\"error\" role=\"alert\">{Encode(problem)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Dispatch</title>
            <style>
              body { font: 15px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; display: grid; place-items: center; min-height: 100vh; margin: 0; }
              form { background: #fff; padding: 2rem 2.25rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); width: min(26rem, 90vw); }
              h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
              p { margin: .25rem 0 1rem; color: #4a5263; }
              label { display: block; font-weight: 600; margin-bottom: .35rem; }
              input[type=password] { width: 100%; box-sizing: border-box; padding: .55rem .65rem; font: inherit; border: 1px solid #b8bfcc; border-radius: 5px; }
              button { margin-top: 1rem; padding: .55rem 1.1rem; font: inherit; font-weight: 600; color: #fff; background: #2458c6; border: 0; border-radius: 5px; cursor: pointer; }
              .error { color: #a8071a; font-weight: 600; }
              .note { color: #7a4d00; }
            </style>
            </head>
            <body>
            <form method="post" action="{{Path}}?returnUrl={{WebUtility.UrlEncode(returnUrl)}}">
              <h1>Dispatch · sign in</h1>
              <p>To open <code>{{Encode(returnUrl)}}</code>, give an API key (the Orleans dashboard needs an admin key). The key is not kept; the sign-in lasts eight hours.</p>
              {{user}}{{error}}
              <label for="key">API key</label>
              <input id="key" name="{{KeyField}}" type="password" autocomplete="current-password" required autofocus>
              <input type="hidden" name="{{tokens.FormFieldName}}" value="{{Encode(tokens.RequestToken)}}">
              <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
