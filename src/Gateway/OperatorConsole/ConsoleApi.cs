using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Gateway.Security;
using Dispatch.Territory;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

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
        var etag = $"\"map-{summary.CityId}-{summary.Version}\"";
        http.Response.Headers.ETag = etag;
        // The key decides who may read; no shared cache may keep the answer.
        http.Response.Headers.CacheControl = "private, no-cache";
        if (http.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var body = await cache.GetAsync(etag, () => Build(territory));
        return TypedResults.Bytes(body, "application/json");
    }

    private static async Task<byte[]> Build(ITerritory territory)
    {
        // One grain call for the whole map: 5,000 calls of a grid each took 1.8 s.
        var map = await territory.Calls.Idempotent(() => territory.Grain.GetWholeMap());
        var areas = map.Areas;
        var grids = map.Grids;
        var reader = new WKTReader();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", map.Version);
            json.WriteStartArray("areas");
            foreach (var area in areas)
            {
                json.WriteStartObject();
                json.WriteString("id", area.Id);
                json.WriteString("level", area.Level.ToString());
                json.WriteString("name", area.Name);
                json.WriteString("parent", area.ParentId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("grids");
            foreach (var grid in grids.OrderBy(g => g.Id, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("id", grid.Id);
                json.WriteString("name", grid.Name);
                json.WriteString("community", grid.CommunityId);
                json.WriteStartArray("rings");
                foreach (var ring in OuterRings(reader, grid.BoundaryWkt))
                {
                    // Flat [lon, lat, lon, lat, ...] to 6 decimals (~0.1 m): a third of GeoJSON's size.
                    json.WriteStartArray();
                    foreach (var point in ring)
                    {
                        json.WriteRawValue(Math.Round(point.X, 6).ToString("R", CultureInfo.InvariantCulture));
                        json.WriteRawValue(Math.Round(point.Y, 6).ToString("R", CultureInfo.InvariantCulture));
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The outer ring of each polygon of a grid's boundary (a screen at city scale draws no holes).</summary>
    private static IEnumerable<Coordinate[]> OuterRings(WKTReader reader, string wkt)
    {
        Geometry geometry;
        try
        {
            geometry = reader.Read(wkt);
        }
        catch (ParseException)
        {
            yield break;
        }

        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon polygon)
            {
                yield return polygon.ExteriorRing.Coordinates;
            }
        }
    }

    /// <summary>The map's answer per version: built once, since the map changes only by an import.</summary>
    public sealed class MapCache
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _byVersion = new();

        public async Task<byte[]> GetAsync(string version, Func<Task<byte[]>> build)
        {
            var entry = _byVersion.GetOrAdd(version, _ => new Lazy<Task<byte[]>>(build));
            try
            {
                var body = await entry.Value;
                foreach (var old in _byVersion.Keys.Where(k => k != version))
                {
                    _byVersion.TryRemove(old, out _);
                }

                return body;
            }
            catch
            {
                // A failed build (the cluster busy) is tried again by the next request.
                _byVersion.TryRemove(new KeyValuePair<string, Lazy<Task<byte[]>>>(version, entry));
                throw;
            }
        }
    }
}
