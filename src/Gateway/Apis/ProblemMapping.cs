using System.Text.Json;
using Dispatch.Errors;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Territory.Import;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dispatch.Gateway.Apis;

/// <summary>
/// Turns refusals into problem+json: 400 unreadable input and 413 oversized bodies, 422 validation
/// (naming the field), 404, 409, 403, and 503 while no silo is reachable or the database is down.
/// </summary>
public sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public const string StorageUnavailableDetail =
        "The database did not answer within the gateway's time budget. Retry after the Retry-After interval: a report with the same Idempotency-Key is registered at most once; read the case before repeating any other action.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, field) = exception switch
        {
            TerritoryImportException => (StatusCodes.Status422UnprocessableEntity, "The territory import was refused; nothing was changed.", null),
            ValidationFailedException v => (StatusCodes.Status422UnprocessableEntity, "The request is not valid.", v.Field),
            NotFoundException => (StatusCodes.Status404NotFound, "Not found.", null),
            IllegalTransitionException => (StatusCodes.Status409Conflict, "Not allowed in the case's current state.", null),
            ConcurrentChangeException => (StatusCodes.Status409Conflict, "Another change is under way; try again when it has finished.", null),
            NotPermittedException => (StatusCodes.Status403Forbidden, "Not permitted.", null),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "The request body is too large.", null),
            BadHttpRequestException { InnerException: JsonException json } => (StatusCodes.Status400BadRequest, "The request body is not valid JSON for this endpoint.", FieldOf(json.Path)),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read.", null),
            _ when ClusterCalls.StorageFailure(exception) is not null => (StatusCodes.Status503ServiceUnavailable, "The database is not available; try again shortly.", null),
            _ when ClusterCalls.IsTransient(exception) => (StatusCodes.Status503ServiceUnavailable, "The dispatch cluster is not reachable; try again shortly.", null),
            _ => (0, null, null),
        };
        if (status == 0)
        {
            return false;
        }

        if (exception is NotPermittedException)
        {
            AccessLog.Refused(httpContext, exception.Message);
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var details = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = exception is JsonException or BadHttpRequestException { InnerException: JsonException }
                ? exception.InnerException?.Message ?? exception.Message
                // The database's own message may name hosts and ports: callers get a fixed text.
                : ClusterCalls.StorageFailure(exception) is not null ? StorageUnavailableDetail : exception.Message,
        };
        if (exception is TerritoryImportException refused)
        {
            details.Extensions["problems"] = refused.Problems.Select(p => new { where = p.Where, what = p.What }).ToArray();
        }

        if (field is not null)
        {
            details.Extensions["field"] = field;
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [details.Detail] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    /// <summary>"$.location.longitude" → "location.longitude"; the whole body when the path is the root.</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
}
