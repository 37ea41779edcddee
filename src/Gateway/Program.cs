using Dispatch;
using Dispatch.Hosting;
using Dispatch.Territory;

// The embedded default: one process with a co-hosted silo and the generated demo city.
// The HTTP API for the hotline, workers and operators is the next piece of work.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddDispatchSilo();

var app = builder.Build();

app.MapGet("/health", async (IGrainFactory grains, DemoCitySeeder seeder, Microsoft.Extensions.Options.IOptions<DispatchOptions> options) =>
{
    if (!seeder.Loaded.IsCompletedSuccessfully)
    {
        return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    var summary = await grains.GetGrain<ITerritoryGrain>(options.Value.CityId).GetSummary();
    return Results.Ok(new { status = "healthy", city = summary.CityId, summary.Grids, summary.Communities });
});

app.Run();
