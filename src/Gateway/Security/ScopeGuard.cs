using System.Security.Claims;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Security;

/// <summary>
/// Keeps an area-scoped key inside its area. What lies outside is answered as if it did not exist
/// (404: a case number or desk elsewhere is not confirmed); a filter that names another area is 403.
/// Every refusal is logged with the key's id (a 403 by <see cref="Apis.ProblemMapping"/>).
/// </summary>
public sealed class ScopeGuard(IGrainFactory grains, ClusterCalls calls, IOptions<DispatchOptions> options)
{
    /// <summary>The case, when the key may see it.</summary>
    /// <exception cref="NotFoundException">The case lies outside the key's area.</exception>
    public IncidentView RequireCase(HttpContext http, IncidentView view)
    {
        if (AreaScope.Of(http.User) is { } scope && !AreaScope.Covers(scope, view.Placement.Path))
        {
            AccessLog.Refused(http, $"incident {view.Id} lies outside the key's area {scope}");
            throw new NotFoundException("incident", view.Id);
        }

        return view;
    }

    /// <exception cref="NotFoundException">The desk lies outside the key's area (departments and the city lie outside every area).</exception>
    public async Task RequireDesk(HttpContext http, DeskRef desk)
    {
        if (AreaScope.Of(http.User) is not { } scope)
        {
            return;
        }

        var inside = desk.Level is not (OrgLevel.Department or OrgLevel.City)
            && (await LineageOf(desk.Level == OrgLevel.Grid ? desk.Id : null, desk.Level == OrgLevel.Grid ? null : desk.Id)).Contains(scope);
        if (!inside)
        {
            AccessLog.Refused(http, $"desk {desk} lies outside the key's area {scope}");
            throw new NotFoundException("desk", desk.Key);
        }
    }

    /// <exception cref="NotFoundException">The worker's grid lies outside the key's area.</exception>
    public async Task RequireGrid(HttpContext http, string gridId, string kind, string id)
    {
        if (AreaScope.Of(http.User) is { } scope && !(await LineageOf(gridId, null)).Contains(scope))
        {
            AccessLog.Refused(http, $"{kind} {id} lies outside the key's area {scope}");
            throw new NotFoundException(kind, id);
        }
    }

    /// <summary>
    /// The area a feed of a scoped key follows: its own when none is asked for, else the one asked
    /// for when it lies inside (a grid or area id).
    /// </summary>
    /// <exception cref="NotPermittedException">The area asked for lies outside the key's area.</exception>
    public async Task<string?> FeedArea(HttpContext http, string? areaId)
    {
        if (AreaScope.Of(http.User) is not { } scope)
        {
            return areaId;
        }

        if (areaId is null || areaId == scope.Id)
        {
            return scope.Id;
        }

        if (!(await LineageOf(areaId, areaId)).Contains(scope))
        {
            throw new NotPermittedException($"This key sees only {scope}; '{areaId}' does not lie in it.");
        }

        return areaId;
    }

    /// <summary>The register's query limited to the key's area.</summary>
    /// <exception cref="NotPermittedException">The query names another area at the key's own level.</exception>
    public IncidentQuery Limit(HttpContext http, IncidentQuery query)
    {
        if (AreaScope.Of(http.User) is not { } scope)
        {
            return query;
        }

        var named = scope.Level switch
        {
            OrgLevel.District => query.DistrictId,
            OrgLevel.Street => query.StreetId,
            _ => query.CommunityId,
        };
        if (named is not null && named != scope.Id)
        {
            throw new NotPermittedException($"This key sees only {scope}; {scope.Level.ToString().ToLowerInvariant()} '{named}' does not lie in it.");
        }

        // The other area filters still apply: one naming a place elsewhere finds nothing.
        return scope.Level switch
        {
            OrgLevel.District => query with { DistrictId = scope.Id },
            OrgLevel.Street => query with { StreetId = scope.Id },
            _ => query with { CommunityId = scope.Id },
        };
    }

    /// <summary>The desks a grid or area lies under, itself included: up to the city, from the territory.</summary>
    private async Task<HashSet<DeskRef>> LineageOf(string? gridId, string? areaId)
    {
        var territory = grains.GetGrain<ITerritoryGrain>(options.Value.CityId);
        var lineage = new HashSet<DeskRef>();
        if (gridId is not null && await calls.Idempotent(() => territory.GetGrid(gridId)) is { } grid)
        {
            lineage.Add(DeskRef.Grid(grid.Id));
            areaId = grid.CommunityId;
        }
        else if (gridId is not null && gridId != areaId)
        {
            return lineage;
        }

        // A territory has four levels of areas; the bound keeps a malformed map from looping.
        for (var step = 0; areaId is not null && step < 8; step++)
        {
            var id = areaId;
            if (await calls.Idempotent(() => territory.GetArea(id)) is not { } area)
            {
                break;
            }

            lineage.Add(new DeskRef(area.Level, area.Id));
            areaId = area.ParentId;
        }

        return lineage;
    }
}
