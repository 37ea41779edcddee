using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dispatch.Gateway.Apis;

/// <summary>The statistics of one desk and everything below it.</summary>
public sealed record StatisticsResponse(string Desk, CaseStatistics Statistics);

/// <summary>Desks and statistics: the grid leader's desk, area and department desks, rolled-up figures.</summary>
public static class DesksApi
{
    public static IEndpointRouteBuilder MapDesksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Desks").RequireAuthorization(Policies.Desk);

        api.MapGet("/grids/{gridId}/desk", async (string gridId, IGrainFactory grains, ClusterCalls calls) =>
            TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IGridGrain>(gridId).GetDesk()) ?? throw new NotFoundException("grid", gridId)))
            .WithSummary("A grid leader's desk: roster with each worker's duty and open load, open cases with their deadlines, notices, statistics.");

        api.MapGet("/desks/{key}", AreaDesk)
            .WithSummary("An area or department desk by key (community:D01-S01-C01, street:D01-S01, district:D01, city:demo, department:POLICE): owned cases, escalated cases, notices.");

        api.MapGet("/statistics/{key}", Statistics)
            .WithSummary("Statistics of a desk and every desk below it (grid:..., community:..., street:..., district:..., city:...).");
        return app;
    }

    private static async Task<Ok<AreaDesk>> AreaDesk(string key, IGrainFactory grains, ClusterCalls calls)
    {
        var desk = ParseKey(key);
        if (desk.Level == OrgLevel.Grid)
        {
            throw new ValidationFailedException("key", $"Grid desks are at /api/v1/grids/{desk.Id}/desk.");
        }

        return TypedResults.Ok(await calls.Idempotent(() => grains.GetGrain<IDeskGrain>(desk.Key).GetDesk()) ?? throw new NotFoundException("desk", key));
    }

    private static async Task<Ok<StatisticsResponse>> Statistics(string key, IGrainFactory grains, ClusterCalls calls)
    {
        var desk = ParseKey(key);
        CaseStatistics statistics;
        if (desk.Level == OrgLevel.Grid)
        {
            var grid = grains.GetGrain<IGridGrain>(desk.Id);
            _ = await calls.Idempotent(() => grid.GetDesk()) ?? throw new NotFoundException("grid", desk.Id);
            statistics = await calls.Idempotent(() => grid.GetStatistics());
        }
        else
        {
            var area = grains.GetGrain<IDeskGrain>(desk.Key);
            _ = await calls.Idempotent(() => area.GetDesk()) ?? throw new NotFoundException("desk", key);
            statistics = await calls.Idempotent(() => area.GetStatistics());
        }

        return TypedResults.Ok(new StatisticsResponse(desk.Key, statistics));
    }

    private static DeskRef ParseKey(string key) =>
        DeskRef.TryParse(key, out var desk)
            ? desk
            : throw new ValidationFailedException("key", $"'{key}' is not a desk key such as grid:D01-S01-C01-G01, community:D01-S01-C01 or department:POLICE.");
}
