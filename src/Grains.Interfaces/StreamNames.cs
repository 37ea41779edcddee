namespace Dispatch;

/// <summary>The stream provider and namespaces that make up the routing fabric.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that carries intake and escalation.</summary>
    public const string Provider = "dispatch";

    /// <summary>Incidents for a grid; key = grid id.</summary>
    public const string GridIntake = "grid-intake";

    /// <summary>Incidents owned by an area or department desk on the access list; key = desk key.</summary>
    public const string DeskIntake = "desk-intake";

    /// <summary>Escalations and upward notices for a desk; key = desk key.</summary>
    public const string Escalations = "escalations";
}
