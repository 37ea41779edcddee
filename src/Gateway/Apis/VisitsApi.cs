using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Territory;
using Dispatch.Visits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Apis;

/// <summary>A grid's visit plan as a caller sends it.</summary>
public sealed record VisitPlanRequest(IReadOnlyList<PlannedVisitRequest?>? Visits);

/// <summary>One visit as a caller sends it; every field is required.</summary>
public sealed record PlannedVisitRequest(string? Id, VisitKind? Kind, string? BuildingId, string? Subject, int? EveryDays, DateTimeOffset? Start);

/// <summary>Visit plans (走访计划): the visits a grid makes on a schedule, each a patrol case when due.</summary>
public static class VisitsApi
{
    public static IEndpointRouteBuilder MapVisitsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/grids/{gridId}/visits").WithTags("Visits");
        api.MapGet("", Get).RequireAuthorization(Policies.Desk)
            .WithSummary("A grid's visit plan: each visit with its next due time and the case its latest occurrence made.");
        api.MapPut("", Replace).RequireAuthorization(Policies.Supervise)
            .WithSummary("Replaces a grid's visit plan (key persons, elderly residents living alone, rented housing); an empty list clears it.");
        return app;
    }

    private static async Task<Ok<VisitPlanView>> Get(string gridId, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls,
        IOptions<DispatchOptions> options)
    {
        await scope.RequireDesk(http, DeskRef.Grid(gridId));
        await RequireGrid(gridId, grains, calls, options);
        return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IVisitPlanGrain>(gridId).Get()));
    }

    private static async Task<Ok<VisitPlanView>> Replace(string gridId, VisitPlanRequest body, HttpContext http, ScopeGuard scope, IGrainFactory grains,
        ClusterCalls calls, IOptions<DispatchOptions> options)
    {
        await scope.RequireDesk(http, DeskRef.Grid(gridId));
        await RequireGrid(gridId, grains, calls, options);
        var visits = Read(body);
        // Replacing is idempotent: the same plan sent again leaves every schedule where it is.
        return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IVisitPlanGrain>(gridId).Replace(visits, IncidentsApi.ActorOf(http.User))));
    }

    private static async Task RequireGrid(string gridId, IGrainFactory grains, ClusterCalls calls, IOptions<DispatchOptions> options)
    {
        if (await calls.Idempotent(() => grains.GetGrain<ITerritoryGrain>(options.Value.CityId).GetGrid(gridId)) is null)
        {
            throw new NotFoundException("grid", gridId);
        }
    }

    private static List<PlannedVisit> Read(VisitPlanRequest? body)
    {
        if (body?.Visits is not { } visits)
        {
            throw new ValidationFailedException("visits", "Give the plan's visits (an empty list clears the plan).");
        }

        var read = new List<PlannedVisit>(visits.Count);
        for (var i = 0; i < visits.Count; i++)
        {
            var field = $"visits[{i}]";
            var visit = visits[i] ?? throw new ValidationFailedException(field, "A visit is an object, not null.");
            read.Add(new PlannedVisit(
                visit.Id ?? throw Missing($"{field}.id"),
                visit.Kind ?? throw Missing($"{field}.kind", "KeyPerson, ElderlyAlone or RentedHousing"),
                visit.BuildingId ?? throw Missing($"{field}.buildingId"),
                visit.Subject ?? throw Missing($"{field}.subject"),
                visit.EveryDays ?? throw Missing($"{field}.everyDays"),
                visit.Start ?? throw Missing($"{field}.start", "a date and time with its offset, such as 2026-12-07T09:00:00+08:00")));
        }

        return read;
    }

    private static ValidationFailedException Missing(string field, string? what = null) =>
        new(field, what is null ? $"{field} is required." : $"{field} is required: {what}.");
}
