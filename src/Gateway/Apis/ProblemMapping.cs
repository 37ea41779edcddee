using Dispatch.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dispatch.Gateway.Apis;

/// <summary>Turns the domain's refusals into problem+json: 422 validation (naming the field), 404, 409, 403.</summary>
public sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, field) = exception switch
        {
            ValidationFailedException v => (StatusCodes.Status422UnprocessableEntity, "The request is not valid.", v.Field),
            NotFoundException => (StatusCodes.Status404NotFound, "Not found.", null),
            IllegalTransitionException => (StatusCodes.Status409Conflict, "Not allowed in the case's current state.", null),
            NotPermittedException => (StatusCodes.Status403Forbidden, "Not permitted.", null),
            _ => (0, null, null),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        var details = new ProblemDetails { Status = status, Title = title, Detail = exception.Message };
        if (field is not null)
        {
            details.Extensions["field"] = field;
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [exception.Message] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
