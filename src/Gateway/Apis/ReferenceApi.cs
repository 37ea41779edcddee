using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Territory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Apis;

/// <param name="Version">The installed catalog's version (a territory import installs one); 0 while the gateway uses the file it started with.</param>
public sealed record CatalogResponse(
    IReadOnlyList<CategoryDefinition> Categories,
    IReadOnlyList<DepartmentDefinition> Departments,
    IReadOnlyDictionary<Urgency, EscalationWindows> EscalationWindows,
    int Version);

public sealed record TerritoryResponse(TerritorySummary Summary, AreaInfo? City, IReadOnlyList<string> Districts);

public sealed record AreaResponse(AreaInfo Area, IReadOnlyList<string> Children);

public sealed record GridResponse(GridInfo Grid, TerritoryPath Path);

/// <summary>The catalog and the territory: what a call-taker needs to register a report.</summary>
public static class ReferenceApi
{
    public static IEndpointRouteBuilder MapReferenceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Reference").RequireAuthorization(Policies.Read);

        api.MapGet("/catalog", (CategoryCatalog catalog) =>
            {
                // One version throughout the answer, even when an install swaps the catalog meanwhile.
                var current = catalog.Copy();
                return TypedResults.Ok(new CatalogResponse(
                    current.Categories,
                    current.Departments,
                    Enum.GetValues<Urgency>().ToDictionary(u => u, current.WindowsFor),
                    current.Version));
            })
            .WithSummary("Every category with its urgency, limits, skill and owner; the departments; the supervision windows per level; the installed version.");

        api.MapGet("/territory", Territory).WithSummary("The city's summary and its districts.");
        api.MapGet("/territory/areas/{areaId}", async (string areaId, ITerritory territory) =>
            {
                var area = await territory.Calls.Idempotent(() => territory.Grain.GetArea(areaId)) ?? throw new NotFoundException("area", areaId);
                return TypedResults.Ok(new AreaResponse(area, await territory.Calls.Idempotent(() => territory.Grain.GetChildren(areaId))));
            })
            .WithSummary("An area (district, street, community) with its boundary and the ids directly below it.");
        api.MapGet("/territory/grids/{gridId}", async (string gridId, ITerritory territory) =>
            {
                var grid = await territory.Calls.Idempotent(() => territory.Grain.GetGrid(gridId)) ?? throw new NotFoundException("grid", gridId);
                var path = await territory.Calls.Idempotent(() => territory.Grain.PathOfGrid(gridId)) ?? throw new NotFoundException("grid", gridId);
                return TypedResults.Ok(new GridResponse(grid, path));
            })
            .WithSummary("A grid with its boundary, households and place in the tree.");
        api.MapGet("/territory/buildings", SearchBuildings)
            .WithSummary("Buildings whose address contains what is given (q=, at least 2 letters or digits; case, spaces and punctuation ignored): "
                + "at most 20, in address order, each with its grid.");
        api.MapGet("/territory/buildings/{buildingId}", async (string buildingId, IGrainFactory grains, ClusterCalls calls) =>
                TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IBuildingGrain>(buildingId).Get()) ?? throw new NotFoundException("building", buildingId)))
            .WithSummary("A building: address, point, households and its grid.");
        api.MapGet("/territory/locate", Locate)
            .WithSummary("Which grid (or, outside every grid, which area) holds a point.");
        return app;
    }

    private const int BuildingsFound = 20;

    /// <summary>Every partition of the address book searched at once, the first 20 addresses in order, each building read for its grid.</summary>
    private static async Task<Ok<BuildingView[]>> SearchBuildings(string? q, IGrainFactory grains, ClusterCalls calls)
    {
        var text = AddressBook.Normalize(q ?? "");
        if (text.Length is < 2 or > 200)
        {
            throw new ValidationFailedException("q", "Give at least 2 letters or digits of the address (at most 200).");
        }

        var found = await Task.WhenAll(Enumerable.Range(0, AddressBook.Partitions)
            .Select(p => calls.Idempotent(() => grains.GetGrain<IAddressBookGrain>(p).Search(text, BuildingsFound))));
        var ids = found.SelectMany(f => f).OrderBy(e => e.Key, StringComparer.Ordinal).Take(BuildingsFound).Select(e => e.Value).Distinct().ToArray();
        var buildings = await Task.WhenAll(ids.Select(id => calls.Idempotent(() => grains.GetGrain<IBuildingGrain>(id).Get())));
        return TypedResults.Ok(buildings.OfType<BuildingView>().ToArray());
    }

    private static async Task<Ok<TerritoryResponse>> Territory(ITerritory territory)
    {
        var summary = await territory.Calls.Idempotent(() => territory.Grain.GetSummary());
        var city = await territory.Calls.Idempotent(() => territory.Grain.GetArea(summary.CityId));
        var districts = await territory.Calls.Idempotent(() => territory.Grain.GetChildren(summary.CityId));
        return TypedResults.Ok(new TerritoryResponse(summary, city, districts));
    }

    private static async Task<Ok<TerritoryPath>> Locate(double? longitude, double? latitude, ITerritory territory)
    {
        if (longitude is not { } lon || double.IsNaN(lon) || lon is < -180 or > 180)
        {
            throw new ValidationFailedException("longitude", "Give a longitude between -180 and 180.");
        }

        if (latitude is not { } lat || double.IsNaN(lat) || lat is < -90 or > 90)
        {
            throw new ValidationFailedException("latitude", "Give a latitude between -90 and 90.");
        }

        return TypedResults.Ok(await territory.Calls.Idempotent(() => territory.Grain.Locate(lon, lat)));
    }
}

/// <summary>The city's territory grain and the way to call it, as one parameter.</summary>
public interface ITerritory
{
    ITerritoryGrain Grain { get; }

    ClusterCalls Calls { get; }
}

internal sealed class CityTerritory(IGrainFactory grains, ClusterCalls calls, IOptions<DispatchOptions> options) : ITerritory
{
    // Resolved at each use: a gateway in client mode knows the grain types only once it has connected.
    public ITerritoryGrain Grain => grains.GetGrain<ITerritoryGrain>(options.Value.CityId);

    public ClusterCalls Calls => calls;
}
