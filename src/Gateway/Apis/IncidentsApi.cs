using System.Security.Claims;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Dispatch.Intake;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dispatch.Gateway.Apis;

public sealed record LocationRequest(string? BuildingId, double? Longitude, double? Latitude, string? Address);

public sealed record ReporterRequest(string? Name, string? Phone);

public sealed record ReportRequest(string? Category, string? Description, ReporterRequest? Reporter, Channel? Channel, LocationRequest? Location);

public sealed record ReasonRequest(string? Reason);

public sealed record ResultRequest(string? Result);

public sealed record NoteRequest(string? Note);

public sealed record VerifyRequest(bool? Passed, string? Reason);

public sealed record RateRequest(int? Score, string? Comment);

public sealed record ReassignRequest(string? WorkerId, string? Reason);

/// <summary>Reports and the actions on a case, under <c>/api/v1/incidents</c>.</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents").WithTags("Incidents");

        group.MapPost("/", Report).RequireAuthorization(Policies.Report);
        group.MapGet("/{id}", Get).RequireAuthorization();
        group.MapPost("/{id}/accept", (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Accept(ActorOf(user)))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/reject", (string id, ReasonRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Reject(ActorOf(user), body.Reason ?? ""))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/resolve", (string id, ResultRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Resolve(ActorOf(user), body.Result ?? ""))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/notes", (string id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.AddNote(ActorOf(user), body.Note ?? ""))).RequireAuthorization(Policies.Work);

        group.MapPost("/{id}/verify", (string id, VerifyRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Verify(ActorOf(user), body.Passed ?? throw new Errors.ValidationFailedException("passed", "Say whether the check passed."), body.Reason)))
            .RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/close", (string id, ReasonRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Close(ActorOf(user), body.Reason))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/cancel", (string id, ReasonRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Cancel(ActorOf(user), body.Reason ?? ""))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/supervise", (string id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Supervise(ActorOf(user), body.Note ?? ""))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/rate", (string id, RateRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Act(grains, id, g => g.Rate(ActorOf(user), body.Score ?? 0, body.Comment))).RequireAuthorization(Policies.Rate);
        group.MapPost("/{id}/reassign", Reassign).RequireAuthorization(Policies.Supervise);
        return app;
    }

    private static async Task<Created<IncidentView>> Report(ReportRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var report = new NewReport(
            body.Category ?? "",
            body.Description ?? "",
            new Reporter(body.Reporter?.Name ?? "", body.Reporter?.Phone),
            body.Channel ?? Channel.Hotline,
            new ReportedLocation(body.Location?.BuildingId, body.Location?.Longitude, body.Location?.Latitude, body.Location?.Address));
        var view = await grains.GetGrain<IIntakeGrain>(0).Report(report, ActorOf(user));
        return TypedResults.Created($"/api/v1/incidents/{view.Id}", view);
    }

    private static async Task<Ok<IncidentView>> Reassign(string id, ReassignRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var view = IncidentIds.IsWellFormed(id) ? await grains.GetGrain<IIncidentGrain>(id).Get() : null;
        if (view is null)
        {
            throw new Errors.NotFoundException("incident", id);
        }

        if (view.Tracker.Level != Territory.OrgLevel.Grid)
        {
            throw new Errors.IllegalTransitionException(id, $"held by {view.Tracker}", "reassign to a grid worker");
        }

        var desk = grains.GetGrain<Desks.IGridGrain>(view.Tracker.Id);
        return TypedResults.Ok(await desk.Reassign(id, body.WorkerId, ActorOf(user), body.Reason ?? ""));
    }

    private static async Task<Results<Ok<IncidentView>, NotFound>> Get(string id, IGrainFactory grains) =>
        IncidentIds.IsWellFormed(id) && await grains.GetGrain<IIncidentGrain>(id).Get() is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<Ok<IncidentView>> Act(IGrainFactory grains, string id, Func<IIncidentGrain, Task<IncidentView>> action)
    {
        if (!IncidentIds.IsWellFormed(id))
        {
            throw new Errors.NotFoundException("incident", id);
        }

        return TypedResults.Ok(await action(grains.GetGrain<IIncidentGrain>(id)));
    }

    /// <summary>The actor the timeline records: a worker key acts as its worker, every other key as itself.</summary>
    public static ActorRef ActorOf(ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? "unknown";
        return user.FindFirstValue(ClaimTypes.Role) switch
        {
            Roles.Worker => ActorRef.Worker(user.FindFirstValue(ApiKeyHandler.WorkerIdClaim) ?? name),
            Roles.Hotline => new ActorRef(ActorRole.Hotline, name),
            Roles.Admin => new ActorRef(ActorRole.Admin, name),
            _ => ActorRef.Operator(name),
        };
    }
}

public static class Policies
{
    public const string Report = "report";
    public const string Work = "work";
    public const string Supervise = "supervise";
    public const string Rate = "rate";
}
