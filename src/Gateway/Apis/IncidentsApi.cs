using System.Security.Claims;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dispatch.Gateway.Apis;

public sealed record LocationRequest(string? BuildingId, double? Longitude, double? Latitude, string? Address);

public sealed record ReporterRequest(string? Name, string? Phone);

public sealed record ReportRequest(string? Category, string? Description, ReporterRequest? Reporter, Channel? Channel, LocationRequest? Location);

public sealed record ReasonRequest(string? Reason);

public sealed record ResultRequest(string? Result);

public sealed record NoteRequest(string? Note);

public sealed record VerifyRequest(bool? Passed, string? Reason);

public sealed record ConfirmRequest(bool? Confirmed, string? Note);

public sealed record RateRequest(int? Score, string? Comment);

public sealed record ReassignRequest(string? WorkerId, string? Reason);

public sealed record RouteRequest(string? To, string? Reason);

public sealed record ExtensionRequest(DateTimeOffset? NewDue, string? Reason);

public sealed record DecisionRequest(bool? Approved, string? Reason);

public sealed record ParkRequest(DateTimeOffset? ReviewOn, string? Reason);

public sealed record MergeRequest(string? Into, string? Reason);

public sealed record CoUnitsRequest(IReadOnlyList<string>? Departments, string? Task);

/// <summary>One page of the register; pass <c>next</c> back as <c>cursor</c> for the following page.</summary>
public sealed record IncidentListResponse(IReadOnlyList<IncidentSummary> Items, string? Next);

/// <summary>Reports, the register and the actions on a case, under <c>/api/v1/incidents</c>.</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents").WithTags("Incidents");

        group.MapPost("/", Report).RequireAuthorization(Policies.Report)
            .WithSummary("Register a report (hotline, patrol, app). Send an Idempotency-Key header to make resubmission safe.");
        group.MapGet("/", List).RequireAuthorization(Policies.Read)
            .WithSummary("The register: filter by status, area, category, worker, overdue and report time; newest first, paged by cursor. A worker key sees its own cases.");
        group.MapGet("/{id}", Get).RequireAuthorization(Policies.Read)
            .WithSummary("One case with its timeline. A worker key reads only cases assigned to it.");

        group.MapPost("/{id}/accept", (string id, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Accept(actor))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/reject", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Reject(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/resolve", (string id, ResultRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Resolve(actor, body.Result ?? ""))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/notes", (string id, NoteRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.AddNote(actor, body.Note ?? ""))).RequireAuthorization(Policies.Work);
        group.MapPost("/{id}/contact", (string id, NoteRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Contact(actor, body.Note ?? ""))).RequireAuthorization(Policies.Work)
            .WithSummary("Record reaching the resident (联系) with what was said; the first contact meets the category's first-contact deadline.");
        group.MapPost("/{id}/return", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Return(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Work)
            .WithSummary("Give back a case that is not the holder's own (wrong grid, wrong department) with a reason: the level above routes it, or the district takes it (兜底).");
        group.MapPost("/{id}/confirm", (string id, ConfirmRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Confirm(actor,
                body.Confirmed ?? throw new ValidationFailedException("confirmed", "Say whether the problem was found on site (true or false)."), body.Note)))
            .RequireAuthorization(Policies.Work)
            .WithSummary("The on-site check (核实) of a report held before filing: confirmed, the case is filed (立案) and stays with the worker; not confirmed (a note is required), it ends as Unconfirmed.");
        group.MapPost("/{id}/extension", (string id, ExtensionRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.RequestExtension(actor,
                body.NewDue ?? throw new ValidationFailedException("newDue", "Give the new deadline (ISO 8601 with an offset)."), body.Reason ?? "")))
            .RequireAuthorization(Policies.Work)
            .WithSummary("Ask for more time (延期) before the resolve deadline: a later newDue and a reason; the owning level decides.");

        group.MapPost("/{id}/verify", (string id, VerifyRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Verify(actor, body.Passed ?? throw new ValidationFailedException("passed", "Say whether the check passed."), body.Reason)))
            .RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/close", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Close(actor, body.Reason))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/cancel", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Cancel(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/supervise", (string id, NoteRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Supervise(actor, body.Note ?? ""))).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/reassign", Reassign).RequireAuthorization(Policies.Supervise);
        group.MapPost("/{id}/extension/decision", (string id, DecisionRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.DecideExtension(actor,
                body.Approved ?? throw new ValidationFailedException("approved", "Say whether the extension is approved."), body.Reason)))
            .RequireAuthorization(Policies.Supervise)
            .WithSummary("Approve (the resolve deadline moves to the date asked for) or refuse (with a reason) the pending extension.");
        group.MapPost("/{id}/park", (string id, ParkRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Park(actor,
                body.ReviewOn ?? throw new ValidationFailedException("reviewOn", "Give the review date (ISO 8601 with an offset)."), body.Reason ?? "")))
            .RequireAuthorization(Policies.Supervise)
            .WithSummary("Park an accepted case that cannot be solved now (挂账) until a review date: clocks stop, out of the overdue figures.");
        group.MapPost("/{id}/unpark", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Unpark(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("Bring a parked case back: accepted by its handler again with a fresh resolve clock.");
        group.MapPost("/{id}/appeal", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Appeal(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Rate)
            .WithSummary("The resident contests the closure (申诉) within the appeal window: the case reopens for rework, counted.");
        group.MapPost("/{id}/route", (string id, RouteRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Route(actor, body.To ?? "", body.Reason ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("Send a case nobody has accepted (a returned one, say) to another grid, department or area desk: 'grid:…', 'department:…', 'district:…'.");
        group.MapPost("/{id}/merge", Merge).RequireAuthorization(Policies.Supervise)
            .WithSummary("Merge a case nobody has reported a result on into the open case it repeats (并案), with a reason: it ends as merged, the primary gains its callers.");
        group.MapPost("/{id}/unmerge", (string id, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Unmerge(actor, body.Reason ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("Separate a wrongly merged case from its primary (拆分), with a reason: registered again and dispatched as a new case, never merged into that primary again.");
        group.MapPost("/{id}/co-units", (string id, CoUnitsRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.AddCoUnits(actor, body.Departments, body.Task ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("Name departments of the catalog as co-units (协办) of a case that spans departments, with the part they must do; the holder stays the lead (主办).");
        group.MapPost("/{id}/parts/{department}", (string id, string department, ResultRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, RequireCityWide(http, id), (g, actor) => g.ReportPart(actor, department, body.Result ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("A co-unit reports its part done, with its result (once); the lead resolves the case when every part is in.");
        group.MapPost("/{id}/parts/{department}/hand-back", (string id, string department, ReasonRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, RequireCityWide(http, id), (g, actor) => g.HandBackPart(actor, department, body.Reason ?? ""))).RequireAuthorization(Policies.Supervise)
            .WithSummary("A co-unit gives its part back as not its own, with a reason: the lead no longer waits for it.");
        group.MapPost("/{id}/rate", (string id, RateRequest body, HttpContext http, CaseAccess access) =>
            access.Act(http, id, (g, actor) => g.Rate(actor, body.Score ?? 0, body.Comment))).RequireAuthorization(Policies.Rate);
        return app;
    }

    private static async Task<Results<Created<IncidentView>, Ok<IncidentView>>> Report(ReportRequest body, HttpContext http, ReportSubmission submission)
    {
        if (body.Channel == Channel.Visit)
        {
            throw new ValidationFailedException("channel", "'Visit' cases are made by a grid's visit plan (PUT /api/v1/grids/{gridId}/visits), not reported.");
        }

        var (view, replay) = await submission.Submit(http, body, new NewReport(
            body.Category ?? "",
            body.Description ?? "",
            new Reporter(body.Reporter?.Name ?? "", body.Reporter?.Phone),
            body.Channel ?? Channel.Hotline,
            new ReportedLocation(body.Location?.BuildingId, body.Location?.Longitude, body.Location?.Latitude, body.Location?.Address)));
        // Reports are taken for any place (a caller may report anywhere); the answer is masked as any view of the case.
        view = ReporterPrivacy.ForViewer(http.User, view);
        return replay ? TypedResults.Ok(view) : TypedResults.Created($"/api/v1/incidents/{view.Id}", view);
    }

    private static async Task<Ok<IncidentListResponse>> List(
        HttpContext http,
        ClaimsPrincipal user,
        IGrainFactory grains,
        ClusterCalls calls,
        ScopeGuard scope,
        Catalog.CategoryCatalog catalog,
        TimeProvider clock)
    {
        var query = scope.Limit(http, IncidentQueryReader.Read(http.Request.Query, catalog, clock.GetUtcNow()));
        if (WorkerIdOf(user) is { } self)
        {
            if (query.WorkerId is not null && query.WorkerId != self)
            {
                throw new NotPermittedException("A worker key lists only its own cases.");
            }

            if (query.ReporterPhone is not null)
            {
                throw new NotPermittedException("A worker key cannot search cases by the reporter's phone.");
            }

            query = query with { WorkerId = self };
        }

        var page = await calls.Idempotent(() => grains.GetGrain<IIncidentSearchGrain>(0).Search(query));
        return TypedResults.Ok(new IncidentListResponse(page.Items, page.Next is null ? null : IncidentQueryReader.WriteCursor(page.Next)));
    }

    private static async Task<Ok<IncidentView>> Get(string id, HttpContext http, CaseAccess access)
    {
        var view = await access.Find(http, id);
        if (WorkerIdOf(http.User) is { } worker && view.Assignee?.WorkerId != worker)
        {
            throw new NotPermittedException($"Incident '{id}' is not assigned to worker '{worker}'.");
        }

        return TypedResults.Ok(ReporterPrivacy.ForViewer(http.User, view));
    }

    private static async Task<Ok<IncidentView>> Merge(string id, MergeRequest body, HttpContext http, CaseAccess access)
    {
        if (AreaScope.Of(http.User) is not null)
        {
            // A scoped key acts inside its area on both cases: its own first (404 outside, as for reads).
            await access.Find(http, id);
            if (body.Into?.Trim() is { Length: > 0 } into && into != id)
            {
                await access.RequireOther(http, into, "into");
            }
        }

        return await access.Act(http, id, (g, actor) => g.Merge(actor, body.Into ?? "", body.Reason ?? ""));
    }

    private static async Task<Ok<IncidentView>> Reassign(string id, ReassignRequest body, HttpContext http, IGrainFactory grains, ClusterCalls calls, CaseAccess access)
    {
        var view = await access.Find(http, id);
        if (view.Tracker.Level != Territory.OrgLevel.Grid)
        {
            throw new IllegalTransitionException(id, $"held by {view.Tracker}", "reassign to a grid worker");
        }

        var desk = grains.GetGrain<Desks.IGridGrain>(view.Tracker.Id);
        return TypedResults.Ok(ReporterPrivacy.ForViewer(http.User, await calls.Once(() => desk.Reassign(id, body.WorkerId, ActorOf(http.User), body.Reason ?? ""))));
    }

    /// <summary>A department acts through a key of the whole city: departments lie outside every area, so an area-scoped key may not act for one.</summary>
    private static string RequireCityWide(HttpContext http, string id)
    {
        if (AreaScope.Of(http.User) is { } scope)
        {
            throw new NotPermittedException($"This key sees only {scope}; departments lie outside every area, so it does not act for a co-unit.");
        }

        return id;
    }

    /// <summary>The worker a worker key acts as; null for every other role.</summary>
    public static string? WorkerIdOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Worker) ? user.FindFirstValue(ApiKeyHandler.WorkerIdClaim) : null;

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
