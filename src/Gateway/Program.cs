using System.Text.Json.Serialization;
using Dispatch;
using Dispatch.Gateway.Apis;
using Dispatch.Gateway.Security;
using Dispatch.Hosting;
using Dispatch.Territory;
using Microsoft.Extensions.Options;

// The embedded default: one process with a co-hosted silo and the generated demo city.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddDispatchSilo();
builder.AddDispatchFrontDoor();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/health", async (IGrainFactory grains, DemoCitySeeder seeder, IOptions<DispatchOptions> options) =>
{
    if (!seeder.Loaded.IsCompletedSuccessfully)
    {
        return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    var summary = await grains.GetGrain<ITerritoryGrain>(options.Value.CityId).GetSummary();
    return Results.Ok(new { status = "healthy", city = summary.CityId, summary.Grids, summary.Communities });
});
app.MapIncidentsApi();

app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ApiKeyRegistry>().PrintDevelopmentKeys(app.Urls));
app.Run();

public partial class Program;

internal static class FrontDoorExtensions
{
    public static IHostApplicationBuilder AddDispatchFrontDoor(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiKeyOptions>()
            .Bind(builder.Configuration.GetSection(ApiKeyOptions.Section))
            .Validate(o => o.Problems().Count == 0, "Gateway:ApiKeys has entries without a key, with an unknown role, or a worker key without a WorkerId.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ApiKeyOptions>>().Value;
            var generate = options.ApiKeys.Count == 0 && options.GenerateDevelopmentKeys;
            return new ApiKeyRegistry(generate ? ApiKeyOptions.DevelopmentKeys("W000001") : options.ApiKeys, generate);
        });

        services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Report, p => p.RequireRole(Roles.Hotline, Roles.Worker, Roles.Operator, Roles.Admin))
            .AddPolicy(Policies.Work, p => p.RequireRole(Roles.Worker, Roles.Operator, Roles.Admin))
            .AddPolicy(Policies.Supervise, p => p.RequireRole(Roles.Operator, Roles.Admin))
            // The hotline makes the follow-up call (回访) and records the resident's rating.
            .AddPolicy(Policies.Rate, p => p.RequireRole(Roles.Hotline, Roles.Operator, Roles.Admin));

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }
}
