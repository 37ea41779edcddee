namespace Dispatch.Incidents;

/// <summary>The kinds of people and parts of the system that act on cases.</summary>
public enum ActorRole
{
    System = 0,
    Hotline = 1,
    Worker = 2,
    Operator = 3,
    Admin = 4,
}

/// <summary>Who performs an action; written on every timeline line as <c>role:id</c>.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.ActorRef")]
public sealed record ActorRef(
    [property: Id(0)] ActorRole Role,
    [property: Id(1)] string Id)
{
    public static ActorRef System(string part) => new(ActorRole.System, part);

    public static ActorRef Worker(string workerId) => new(ActorRole.Worker, workerId);

    public static ActorRef Operator(string name) => new(ActorRole.Operator, name);

    public override string ToString() => $"{Role.ToString().ToLowerInvariant()}:{Id}";

    /// <summary>Reads <c>role:id</c> back; an unknown role is read as the system.</summary>
    public static ActorRef Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return System(text);
        }

        var role = Enum.TryParse<ActorRole>(text[..colon], ignoreCase: true, out var r) && Enum.IsDefined(r) ? r : ActorRole.System;
        return new ActorRef(role, text[(colon + 1)..]);
    }
}
