using System.Globalization;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;

namespace Dispatch.Gateway.Apis.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2</c>: discovery, the catalog as services, reports as service
/// requests. Every resource answers as <c>.xml</c> or <c>.json</c>; refusals are the specification's error
/// array. A POST is registered through <see cref="ReportSubmission"/>, exactly as a report of the JSON API
/// (channel Open311), and needs a hotline key as <c>api_key</c>; reading needs no key, as the
/// specification says, and shows nothing about who reported.
/// </summary>
public static class Open311Api
{
    public const string Prefix = ApiKeyHandler.Open311Path + "/v2";
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup(Prefix).WithTags("Open311").AddEndpointFilter(AnswerInOpen311Terms);
        v2.MapGet("/discovery.{format}", (HttpContext http, GeoReport geo) => geo.Discovery(http))
            .WithSummary("Service discovery: this endpoint, its specification and formats.");
        app.MapGet(ApiKeyHandler.Open311Path + "/discovery.{format}", (HttpContext http, GeoReport geo) => geo.Discovery(http))
            .WithTags("Open311").AddEndpointFilter(AnswerInOpen311Terms).ExcludeFromDescription();
        v2.MapGet("/services.{format}", (HttpContext http, GeoReport geo) => geo.Services(http))
            .WithSummary("The catalog's categories as services, named in the language asked for (locale or Accept-Language: en, zh).");
        v2.MapGet("/services/{service_code}.{format}", (HttpContext http, GeoReport geo) => geo.ServiceDefinition(http))
            .WithSummary("A service's definition: the attributes it asks for.");
        v2.MapPost("/requests.{format}", (HttpContext http, GeoReport geo) => geo.Submit(http))
            .WithSummary("Report a problem (form-encoded, api_key of a hotline key). Registered like any other report; answers with the case number.");
        v2.MapGet("/requests.{format}", (HttpContext http, GeoReport geo) => geo.Requests(http))
            .WithSummary("Service requests: service_request_id (comma list), or service_code, status (open, closed), start_date, end_date; the last 90 days and at most 1000 by default.");
        v2.MapGet("/requests/{service_request_id}.{format}", (HttpContext http, GeoReport geo) => geo.Request(http))
            .WithSummary("One service request.");
        v2.MapGet("/tokens/{token}.{format}", (HttpContext http, GeoReport geo) => geo.Token(http))
            .WithSummary("The service request of a token. Requests here are realtime: the token of a request is its case number.");

        // Anything else under /open311 is not found, said in the specification's terms too.
        app.MapFallback(ApiKeyHandler.Open311Path + "/{**path}", (HttpContext http) => Open311Output.Errors(
                Open311Output.FormatOf(http.Request.Path), StatusCodes.Status404NotFound,
                new Open311Error(StatusCodes.Status404NotFound, $"{http.Request.Method} {http.Request.Path} is not a resource of this endpoint (see {Prefix}/discovery.xml).")))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Checks the format and the jurisdiction, and turns every refusal into the specification's error array.</summary>
    private static async ValueTask<object?> AnswerInOpen311Terms(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var extension = http.GetRouteValue("format") as string;
        if (Open311Output.ParseFormat(extension) is not { } format)
        {
            return Open311Output.Errors(Open311Format.Xml, StatusCodes.Status400BadRequest,
                new Open311Error(StatusCodes.Status400BadRequest, $"'.{extension}' is not a format of this endpoint: use .xml or .json."));
        }

        try
        {
            http.RequestServices.GetRequiredService<GeoReport>().CheckJurisdiction(http.Request.Query["jurisdiction_id"]);
            return await next(context);
        }
        catch (Exception e) when (Refusal(e) is var (status, description) && status != 0)
        {
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                http.Response.Headers.RetryAfter = ProblemMapping.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            // The code is the HTTP status, as the specification suggests; the description names the parameter.
            return Open311Output.Errors(format, status, new Open311Error(status, description));
        }
    }

    private static (int Status, string Description) Refusal(Exception e) => e switch
    {
        Open311Exception o => (o.Status, o.Message),
        ValidationFailedException v => (StatusCodes.Status400BadRequest, $"{ParameterOf(v.Field)}: {v.Message}"),
        NotFoundException n => (StatusCodes.Status404NotFound, n.Message),
        NotPermittedException p => (StatusCodes.Status403Forbidden, p.Message),
        BadHttpRequestException b => (b.StatusCode, b.Message),
        InvalidDataException d => (StatusCodes.Status400BadRequest, $"The form could not be read: {d.Message}"),
        _ when ClusterCalls.IsTransient(e) => (StatusCodes.Status503ServiceUnavailable, "The dispatch cluster is not reachable; try again shortly."),
        _ => (0, ""),
    };

    /// <summary>The Open311 parameter behind a field of the report the intake refused.</summary>
    private static string ParameterOf(string field) => field switch
    {
        "category" => "service_code",
        "reporter.name" => "first_name, last_name",
        "reporter" => "first_name, last_name, phone",
        "reporter.email" => "email",
        "mediaUrl" => "media_url",
        "location" => "lat and long, address_string or address_id",
        "location.buildingId" => "address_id",
        "location.address" => "address_string",
        "location.longitude" => "long",
        "location.latitude" => "lat",
        _ => field,
    };
}
