namespace Dispatch.Territory.Import;

/// <summary>
/// How a boundary file's features map onto the territory: which level they are and which of a
/// city's own property names hold the code, name, parent and level. The command line's
/// <c>--level</c>, <c>--code-property</c>, <c>--name-property</c>, <c>--parent-property</c> and
/// <c>--level-property</c>, and the same query parameters of <c>PUT /api/v1/territory</c>.
/// </summary>
public sealed record LayerOptions
{
    /// <summary>Every feature's level. Default: the level property, else grid (a flat layer).</summary>
    public OrgLevel? Level { get; init; }

    /// <summary>The property with the feature's code (its id). Default: <c>code</c>, else the feature's own <c>id</c>.</summary>
    public string? CodeProperty { get; init; }

    /// <summary>The property with its name. Default: <c>name</c>, else the code.</summary>
    public string? NameProperty { get; init; }

    /// <summary>The property with the parent's code. Default: none (parents from nested codes, else containment).</summary>
    public string? ParentProperty { get; init; }

    /// <summary>The property with the level when one file holds several. Default: <c>level</c>.</summary>
    public string? LevelProperty { get; init; }

    /// <summary>The property with a grid's households. Default: <c>households</c>.</summary>
    public string? HouseholdsProperty { get; init; }

    /// <summary>A level from a word: district, street, community or grid (also 区, 街道, 社区, 网格; town, ward...).</summary>
    public static bool TryParseLevel(string? text, out OrgLevel level)
    {
        level = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "district" or "county" or "区" or "县": level = OrgLevel.District; return true;
            case "street" or "town" or "subdistrict" or "街道" or "镇": level = OrgLevel.Street; return true;
            case "community" or "neighbourhood" or "neighborhood" or "社区": level = OrgLevel.Community; return true;
            case "grid" or "ward" or "网格": level = OrgLevel.Grid; return true;
            default: return false;
        }
    }
}
