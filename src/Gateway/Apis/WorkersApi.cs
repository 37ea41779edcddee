using System.Security.Claims;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Workforce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dispatch.Gateway.Apis;

public sealed record DutyRequest(bool? OnDuty);

/// <summary>A worker's own view and duty status. A worker key reaches only its own worker.</summary>
public static class WorkersApi
{
    public static IEndpointRouteBuilder MapWorkersApi(this IEndpointRouteBuilder app)
    {
        var workers = app.MapGroup("/api/v1/workers").WithTags("Workers");

        workers.MapGet("/{workerId}", Get).RequireAuthorization(Policies.Read)
            .WithSummary("A worker: profile, duty status and the cases they hold.");
        workers.MapPut("/{workerId}/duty", SetDuty).RequireAuthorization(Policies.Work)
            .WithSummary("Duty on or off ({\"onDuty\": true}). Off duty hands back cases not yet accepted; on duty picks up waiting cases.");
        return app;
    }

    private static async Task<Ok<WorkerView>> Get(string workerId, ClaimsPrincipal user, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls)
    {
        RequireSelfOrStaff(user, workerId);
        var view = await calls.Idempotent(() => grains.GetGrain<IWorkerGrain>(workerId).Get()) ?? throw new NotFoundException("worker", workerId);
        await scope.RequireGrid(http, view.Profile.GridId, "worker", workerId);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<WorkerView>> SetDuty(string workerId, DutyRequest body, ClaimsPrincipal user, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls)
    {
        RequireSelfOrStaff(user, workerId);
        var onDuty = body.OnDuty ?? throw new ValidationFailedException("onDuty", "Say whether the worker goes on duty (true) or off duty (false).");
        var worker = grains.GetGrain<IWorkerGrain>(workerId);
        var current = await calls.Idempotent(() => worker.Get()) ?? throw new NotFoundException("worker", workerId);
        await scope.RequireGrid(http, current.Profile.GridId, "worker", workerId);

        // Setting duty to a value is idempotent, so it may be retried.
        return TypedResults.Ok(await calls.Idempotent(() => worker.SetDuty(onDuty, IncidentsApi.ActorOf(user).ToString())));
    }

    private static void RequireSelfOrStaff(ClaimsPrincipal user, string workerId)
    {
        if (user.IsInRole(Security.Roles.Hotline)
            || (IncidentsApi.WorkerIdOf(user) is { } self && self != workerId))
        {
            throw new NotPermittedException($"This key may not reach worker '{workerId}'.");
        }
    }
}
