namespace Dispatch;

/// <summary>The stream provider and namespaces that make up the routing fabric.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that delivers cases to their desks.</summary>
    public const string Provider = "dispatch";

    /// <summary>Cases for a grid leader's desk; key = grid id.</summary>
    public const string GridCases = "grid-cases";

    /// <summary>Cases owned by an area or department desk on the access list; key = desk key.</summary>
    public const string DeskCases = "desk-cases";
}
