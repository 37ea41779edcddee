using System.Security.Claims;
using Dispatch.Gateway.Apis;
using Dispatch.Gateway.Security;
using Dispatch.Territory;

namespace Dispatch.Gateway.OperatorConsole;

/// <summary>Who a key is: what the console shows follows it.</summary>
public sealed record SessionResponse(string Name, string Role, string? WorkerId);

/// <summary>
/// The two reads the operator console needs that the rest of the API lacks: who the key is, and the
/// whole map in one answer (every grid's outline and every area above it), which a screen of 5,000
/// grids cannot gather one grid at a time.
/// </summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/session", (ClaimsPrincipal user) => TypedResults.Ok(new SessionResponse(
                user.Identity?.Name ?? "",
                user.FindFirstValue(ClaimTypes.Role) ?? "",
                // Only a worker key acts as a worker (a configured key of another role may name one).
                user.IsInRole(Roles.Worker) && user.FindFirstValue(ApiKeyHandler.WorkerIdClaim) is { Length: > 0 } worker ? worker : null)))
            .RequireAuthorization(Policies.Read).WithTags("Reference")
            .WithSummary("The key's holder: name, role and, for a worker key, the worker it acts as.");

        app.MapGet("/api/v1/territory/map", Map)
            .RequireAuthorization(Policies.Read).WithTags("Reference")
            .WithSummary("The whole current map in one answer: every area (id, level, name, parent) and every grid's outline as rings of longitude, latitude pairs. Cacheable: ETag is the map's version.");
        return app;
    }

    private static async Task<IResult> Map(HttpContext http, ITerritory territory, MapCache cache)
    {
        var summary = await territory.Calls.Idempotent(() => territory.Grain.GetSummary());
        var etag = ETagOf(summary);
        http.Response.Headers.ETag = etag;
        // The key decides who may read; no shared cache may keep the answer.
        http.Response.Headers.CacheControl = "private, no-cache";
        if (http.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        // Built from the map as it is now: during an import that may be a version newer than the ETag
        // says, which the next request corrects.
        var body = await cache.GetAsync(etag, () => MapAnswer.BuildAsync(territory));
        return TypedResults.Bytes(body, "application/json");
    }

    internal static string ETagOf(TerritorySummary summary) => $"\"map-{summary.CityId}-{summary.Version}\"";

}
