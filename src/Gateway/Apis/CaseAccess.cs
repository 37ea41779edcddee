using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dispatch.Gateway.Apis;

/// <summary>Reading a case and acting on it as the request's key may: inside its area, with reporters masked where they must be.</summary>
public sealed class CaseAccess(IGrainFactory grains, ClusterCalls calls, ScopeGuard scope)
{
    /// <summary>The case, when it exists and lies in the key's area.</summary>
    /// <exception cref="NotFoundException">No such case, or it lies outside the key's area.</exception>
    public async Task<IncidentView> Find(HttpContext http, string id) =>
        IncidentIds.IsWellFormed(id) && await calls.Idempotent(() => grains.GetGrain<IIncidentGrain>(id).Get()) is { } view
            ? scope.RequireCase(http, view)
            : throw new NotFoundException("incident", id);

    /// <summary>
    /// A second case a request names in its body (<paramref name="field"/>), as a scoped key may name it:
    /// one outside the key's area is answered exactly as a case that does not exist, so it is not confirmed.
    /// </summary>
    /// <exception cref="ValidationFailedException">No such case, or it lies outside the key's area.</exception>
    public async Task RequireOther(HttpContext http, string id, string field)
    {
        try
        {
            await Find(http, id);
        }
        catch (NotFoundException)
        {
            throw new ValidationFailedException(field, $"There is no case '{id}'.");
        }
    }

    public async Task<Ok<IncidentView>> Act(HttpContext http, string id, Func<IIncidentGrain, ActorRef, Task<IncidentView>> action)
    {
        if (!IncidentIds.IsWellFormed(id))
        {
            throw new NotFoundException("incident", id);
        }

        // A scoped key first finds the case in its area (a read: the action itself is still sent once).
        if (AreaScope.Of(http.User) is not null)
        {
            await Find(http, id);
        }

        // Not retried: a repeated accept or close would answer 409 for a change that did happen.
        var view = await calls.Once(() => action(grains.GetGrain<IIncidentGrain>(id), IncidentsApi.ActorOf(http.User)));
        return TypedResults.Ok(ReporterPrivacy.ForViewer(http.User, view));
    }
}
