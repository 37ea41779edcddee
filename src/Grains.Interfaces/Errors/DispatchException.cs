namespace Dispatch.Errors;

/// <summary>
/// A request the domain refused. Each kind maps to one HTTP answer at the gateway:
/// validation 422, not found 404, conflict (wrong state) 409, forbidden 403.
/// A refused request has changed nothing.
/// </summary>
[GenerateSerializer, Alias("Dispatch.DispatchException")]
public abstract class DispatchException : Exception
{
    protected DispatchException(string message) : base(message) { }
}

/// <summary>Input that does not make sense; <see cref="Field"/> names what was wrong.</summary>
[GenerateSerializer, Alias("Dispatch.ValidationFailedException")]
public sealed class ValidationFailedException(string field, string message) : DispatchException(message)
{
    [Id(0)] public string Field { get; } = field;
}

/// <summary>An id that names nothing the system knows.</summary>
[GenerateSerializer, Alias("Dispatch.NotFoundException")]
public sealed class NotFoundException(string kind, string id) : DispatchException($"{kind} '{id}' does not exist.")
{
    [Id(0)] public string Kind { get; } = kind;
    [Id(1)] public string ResourceId { get; } = id;
}

/// <summary>An action that the case's current state does not allow.</summary>
[GenerateSerializer, Alias("Dispatch.IllegalTransitionException")]
public sealed class IllegalTransitionException(string incidentId, string status, string action)
    : DispatchException($"Incident '{incidentId}' is {status}: '{action}' is not allowed in that state.")
{
    [Id(0)] public string IncidentId { get; } = incidentId;
    [Id(1)] public string Status { get; } = status;
    [Id(2)] public string Action { get; } = action;
}

/// <summary>An actor acting on a case that is not theirs (a worker on a case assigned to someone else).</summary>
[GenerateSerializer, Alias("Dispatch.NotPermittedException")]
public sealed class NotPermittedException(string message) : DispatchException(message);

/// <summary>Another change of the same thing is under way (a territory import, say): try again when it has finished.</summary>
[GenerateSerializer, Alias("Dispatch.ConcurrentChangeException")]
public sealed class ConcurrentChangeException(string message) : DispatchException(message);

/// <summary>
/// The database could not record the change (it is down or unreachable). Whether the change was
/// recorded is not known when the connection broke during the commit: resubmit what is safe to
/// resubmit, and read the case before repeating anything else. The gateway answers 503.
/// </summary>
[GenerateSerializer, Alias("Dispatch.StorageUnavailableException")]
public sealed class StorageUnavailableException(string message) : DispatchException(message);
