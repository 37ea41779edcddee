using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Apis;

/// <summary>The statistics of one desk and everything below it: since the start, or for the cases reported in a period.</summary>
public sealed record StatisticsResponse(string Desk, CaseStatistics Statistics, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Desks and statistics: the grid leader's desk, area and department desks, rolled-up figures.</summary>
public static class DesksApi
{
    public static IEndpointRouteBuilder MapDesksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Desks").RequireAuthorization(Policies.Desk);

        api.MapGet("/grids/{gridId}/desk", async (string gridId, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls) =>
            {
                await scope.RequireDesk(http, DeskRef.Grid(gridId));
                return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IGridGrain>(gridId).GetDesk()) ?? throw new NotFoundException("grid", gridId));
            })
            .WithSummary("A grid leader's desk: roster with each worker's duty and open load, open cases with their deadlines, notices, statistics.");

        api.MapGet("/desks/{key}", AreaDesk)
            .WithSummary("An area or department desk by key (community:D01-S01-C01, street:D01-S01, district:D01, city:demo, department:POLICE): owned cases, escalated cases, notices.");

        api.MapGet("/statistics/{key}", Statistics)
            .WithSummary("Statistics of an area (grid:..., community:..., street:..., district:..., city:...: every case located in it) or of a department (department:...: the cases it owns); "
                + "with month=2026-11 or from and to, of the cases reported in that period.");

        api.MapGet("/assessment", Assessment)
            .WithSummary("The monthly assessment: streets, communities or departments (level=) ranked by response, resolution and satisfaction rate "
                + "for a period (month=2026-11, or from and to; default this month).");
        return app;
    }

    private static async Task<Ok<AreaDesk>> AreaDesk(string key, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls)
    {
        var desk = ParseKey(key);
        if (desk.Level == OrgLevel.Grid)
        {
            throw new ValidationFailedException("key", $"Grid desks are at /api/v1/grids/{desk.Id}/desk.");
        }

        await scope.RequireDesk(http, desk);

        return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IDeskGrain>(desk.Key).GetDesk()) ?? throw new NotFoundException("desk", key));
    }

    /// <summary>From the register, not from the desk: figures never wait behind a busy desk's work.</summary>
    private static async Task<Ok<StatisticsResponse>> Statistics(
        string key, HttpContext http, ScopeGuard scope, IGrainFactory grains, ClusterCalls calls, CategoryCatalog catalog, IOptions<DispatchOptions> options)
    {
        var desk = ParseKey(key);
        await scope.RequireDesk(http, desk);
        var territory = grains.GetGrain<ITerritoryGrain>(options.Value.CityId);
        var exists = desk.Level switch
        {
            OrgLevel.Department => catalog.TryGetDepartment(desk.Id, out _),
            OrgLevel.Grid => await calls.Idempotent(() => territory.GetGrid(desk.Id)) is not null,
            _ => await calls.Idempotent(() => territory.GetArea(desk.Id)) is { } area && area.Level == desk.Level,
        };
        if (!exists)
        {
            throw new NotFoundException("desk", key);
        }

        var search = grains.GetGrain<IIncidentSearchGrain>(0);
        if (PeriodReader.Read(http.Request.Query) is { } period)
        {
            var inPeriod = await calls.Idempotent(() => search.StatisticsFor(desk, period.From, period.To));
            return TypedResults.Ok(new StatisticsResponse(desk.Key, inPeriod, period.From, period.To));
        }

        var statistics = await calls.Idempotent(() => search.Statistics(desk));
        return TypedResults.Ok(new StatisticsResponse(desk.Key, statistics));
    }

    /// <summary>An area-scoped key ranks the units inside its area, on the cases there; departments lie outside every area.</summary>
    private static async Task<Ok<Assessment>> Assessment(HttpRequest request, IGrainFactory grains, ClusterCalls calls, TimeProvider clock)
    {
        var within = AreaScope.Of(request.HttpContext.User);
        var levelText = IncidentQueryReader.Single(request.Query, "level") ?? "community";
        var level = levelText.ToLowerInvariant() switch
        {
            "street" => OrgLevel.Street,
            "community" => OrgLevel.Community,
            "department" => OrgLevel.Department,
            _ => throw new ValidationFailedException("level", $"'{levelText}' is not a level an assessment ranks: street, community or department."),
        };
        if (within is not null && level == OrgLevel.Department)
        {
            throw new NotPermittedException($"This key sees only {within}; departments lie outside it.");
        }

        var (from, to) = PeriodReader.Read(request.Query) ?? PeriodReader.MonthOf(clock.GetUtcNow());
        return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IIncidentSearchGrain>(0).Assess(new AssessmentQuery(level, from, to, within))));
    }

    private static DeskRef ParseKey(string key) =>
        DeskRef.TryParse(key, out var desk)
            ? desk
            : throw new ValidationFailedException("key", $"'{key}' is not a desk key such as grid:D01-S01-C01-G01, community:D01-S01-C01 or department:POLICE.");
}
