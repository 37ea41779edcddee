using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Dispatch.Errors;
using Dispatch.Gateway.Apis;
using Dispatch.Gateway.Apis.Open311;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.OperatorConsole;
using Dispatch.Gateway.Feed;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using ApiKeyOptions = Dispatch.Gateway.Security.ApiKeyOptions;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Dispatch.Gateway;

/// <summary>Bound from <c>Gateway</c>: limits of the front door.</summary>
public sealed class FrontDoorOptions
{
    /// <summary>Largest request body accepted. Default: 64 KiB (a report is a few hundred bytes).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest territory import (<c>PUT /api/v1/territory</c>, admin keys). Default: 256 MiB (a city's boundary and building files).</summary>
    public long MaxTerritoryBodyBytes { get; set; } = 256L * 1024 * 1024;

    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>Per API key: a token bucket that refills <see cref="PermitsPerSecond"/> up to <see cref="Burst"/>.</summary>
public sealed class RateLimitOptions
{
    public int PermitsPerSecond { get; set; } = 200;

    public int Burst { get; set; } = 400;
}

/// <summary>The gateway's services and pipeline: keys and roles, problem+json, limits, resilience, the API and its page.</summary>
public static class FrontDoor
{
    public const string RateLimitPolicy = "per-key";

    public static IHostApplicationBuilder AddDispatchFrontDoor(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<ApiKeyOptions>()
            .Bind(configuration.GetSection(ApiKeyOptions.Section))
            .Validate(o => o.Problems().Count == 0, "Gateway:ApiKeys has entries without a key, with an unknown role, a worker key without a WorkerId, a scope that is not an area of an operator or hotline key; or Gateway:KeyRefreshInterval is not positive.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ApiKeyOptions>>().Value;
            var generate = options.ApiKeys.Count == 0 && options.GenerateDevelopmentKeys;
            return new ApiKeyRegistry(generate ? ApiKeyOptions.DevelopmentKeys("W000001") : options.ApiKeys, generate);
        });
        services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddBrowserSignIn();
        services.AddSingleton<IssuedKeyRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<IssuedKeyRefresher>());
        services.AddSingleton<ScopeGuard>();
        services.AddSingleton<CaseAccess>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuthorizationRefusals>();
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "dispatch-antiforgery");
        Policies.Register(services);

        services.AddOptions<FrontDoorOptions>().Bind(configuration.GetSection("Gateway"))
            .Validate(o => o.MaxRequestBodyBytes > 0 && o.MaxTerritoryBodyBytes > 0 && o.RateLimit.PermitsPerSecond > 0 && o.RateLimit.Burst > 0,
                "Gateway:MaxRequestBodyBytes, Gateway:RateLimit:PermitsPerSecond and Gateway:RateLimit:Burst must be positive.")
            .ValidateOnStart();
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<FrontDoorOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<FrontDoorOptions>>().Value.RateLimit;
                var partition = ApiKeyHandler.KeyIdOf(context.User) ?? $"anonymous:{context.Connection.RemoteIpAddress}";
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (http.Request.Path.StartsWithSegments(ApiKeyHandler.Open311Path, StringComparison.OrdinalIgnoreCase))
                {
                    await Open311Output.Errors(Open311Output.FormatOf(http.Request.Path), StatusCodes.Status429TooManyRequests,
                        new Open311Error(StatusCodes.Status429TooManyRequests, "Too many requests from this client; retry after the Retry-After interval.")).ExecuteAsync(http);
                    return;
                }

                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = "This API key has used up its request rate; slow down and retry after the Retry-After interval." },
                });
            };
        });

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.ConfigureHttpJsonOptions(json =>
        {
            // Strict types: an enum only by its name ("channel": 1 is refused), a number only as a
            // JSON number ("120" is not a longitude).
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Unreadable bodies reach ProblemMapping, which names the offending JSON path.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        builder.AddGatewayObservability();
        ClusterCalls.Register(services, configuration);
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<ReportSubmission>();
        services.AddOptions<Open311Options>().Bind(configuration.GetSection(Open311Options.Section));
        services.AddSingleton<GeoReport>();
        services.AddSingleton<ITerritory, CityTerritory>();
        services.AddSingleton<MapCache>();
        services.AddHostedService<MapWarmer>();
        services.AddSingleton<TransitionHub>();
        services.AddHostedService(sp => sp.GetRequiredService<TransitionHub>());
        services.AddHealthChecks().AddCheck<ClusterHealth>("cluster", tags: ["ready"]);

        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Dispatch",
                Version = "v1",
                Description = "Grid-based incident dispatch: reports, the register, case actions, desks, statistics, the catalog, the territory and the live feed. Every call needs an X-Api-Key header.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHandler.Header,
                Description = "An API key of role hotline, worker, operator or admin.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHandler.SchemeName, document)] = [] });
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication UseDispatchFrontDoor(this WebApplication app)
    {
        app.Use(NoSniff);
        app.UseExceptionHandler();
        // Refusals the framework makes without a body (no route, wrong method, 401, 403) become
        // problem+json through the problem details service.
        app.UseStatusCodePages();
        app.UseOperatorConsole();
        app.Use(RefuseOversizedBodies);
        app.Use(RefuseCharsetsOtherThanUtf8);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();

        // /alive: the process answers. /health: the cluster answers and the map is loaded (ready for reports).
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = WriteHealth,
            // A cluster without a map cannot take reports: not ready.
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable },
        });

        var api = app.MapGroup("").RequireRateLimiting(RateLimitPolicy).AddEndpointFilter(RefuseMalformedIds);
        api.MapIncidentsApi();
        api.MapDesksApi();
        api.MapWorkersApi();
        api.MapVisitsApi();
        api.MapReferenceApi();
        api.MapTerritoryApi();
        api.MapFeedApi();
        api.MapConsoleApi();
        api.MapOpen311Api();
        api.MapAdminKeysApi();

        api.MapBrowserSignIn();
        app.MapGatewayObservability();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api", page => page
            .WithTitle("Dispatch API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(ApiKeyHandler.SchemeName));
        return app;
    }

    /// <summary>
    /// Refuses a declared oversized body before anything reads it. Kestrel's own limit (set from the
    /// same option) also stops bodies that do not declare their length.
    /// </summary>
    private static Task RefuseOversizedBodies(HttpContext context, Func<Task> next)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<FrontDoorOptions>>().Value;
        var max = TerritoryApi.IsImport(context.Request) ? limits.MaxTerritoryBodyBytes : limits.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            throw new BadHttpRequestException($"The request body is {context.Request.ContentLength} bytes; at most {max} are accepted.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        return next();
    }

    /// <summary>
    /// Refuses, with 422 naming the parameter, an id in the path that is blank or holds control,
    /// format or line-separator characters: no id is like that, and Orleans throws on a blank grain
    /// key (U+2028 alone made a 500).
    /// </summary>
    private static ValueTask<object?> RefuseMalformedIds(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            if (value is string id && (CaseText.IsBlank(id) || id.Any(c => char.IsControl(c) || char.IsSurrogate(c)
                || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)))
            {
                throw new ValidationFailedException(name, $"'{name}' is not an id: it is blank or holds control or invisible characters.");
            }
        }

        return next(context);
    }

    /// <summary>
    /// Every response says <c>X-Content-Type-Options: nosniff</c>. Set as the response starts, since
    /// the exception handler clears the headers of a response it rewrites.
    /// </summary>
    private static Task NoSniff(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        }, context.Response);
        return next();
    }

    /// <summary>
    /// Refuses, with 415, a body whose <c>Content-Type</c> names a charset other than UTF-8, before
    /// anything tries to decode it (an unknown charset made the JSON reader throw: a 500). JSON
    /// between systems is UTF-8 (RFC 8259, section 8.1); the charset belongs to the media type, so
    /// an unsupported one is an unsupported media type.
    /// </summary>
    private static Task RefuseCharsetsOtherThanUtf8(HttpContext context, Func<Task> next)
    {
        if (context.Request.ContentType is { } contentType
            && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.Charset.HasValue
            && HeaderUtilities.RemoveQuotes(media.Charset).Value is var charset
            && !string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException(
                $"The body's charset is '{charset}'; only UTF-8 is accepted (Content-Type: application/json, or application/json; charset=utf-8).",
                StatusCodes.Status415UnsupportedMediaType);
        }

        return next();
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        }, json);
    }
}
