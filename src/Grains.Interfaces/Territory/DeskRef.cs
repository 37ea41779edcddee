namespace Dispatch.Territory;

/// <summary>
/// Names one desk: a grid leader's desk, an area desk (community, street, district, city) or a
/// department desk. Its <see cref="Key"/> ("community:D01-S01-C01") is the grain key of the desk.
/// </summary>
[GenerateSerializer, Immutable, Alias("Dispatch.DeskRef")]
public readonly record struct DeskRef(
    [property: Id(0)] OrgLevel Level,
    [property: Id(1)] string Id)
{
    public string Key => $"{Level.ToString().ToLowerInvariant()}:{Id}";

    public override string ToString() => Key;

    public static DeskRef Grid(string id) => new(OrgLevel.Grid, id);

    public static DeskRef Department(string code) => new(OrgLevel.Department, code);

    public static bool TryParse(string? key, out DeskRef desk)
    {
        desk = default;
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == key.Length - 1)
        {
            return false;
        }

        // Level names only: Enum.TryParse would also take "3".
        if (char.IsAsciiDigit(key[0]) || !Enum.TryParse<OrgLevel>(key[..colon], ignoreCase: true, out var level) || !Enum.IsDefined(level))
        {
            return false;
        }

        desk = new DeskRef(level, key[(colon + 1)..]);
        return true;
    }

    public static DeskRef Parse(string key) =>
        TryParse(key, out var desk) ? desk : throw new FormatException($"'{key}' is not a desk key such as 'community:D01-S01-C01'.");
}
