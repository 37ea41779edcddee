namespace Dispatch.Territory;

/// <summary>A building as the desks see it: the building and where it sits.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.BuildingView")]
public sealed record BuildingView(
    [property: Id(0)] BuildingInfo Building,
    [property: Id(1)] TerritoryPath Path);

/// <summary>One building or courtyard, keyed by building id.</summary>
[Alias("Dispatch.IBuildingGrain")]
public interface IBuildingGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task Configure(BuildingInfo building, TerritoryPath path);

    /// <summary>The building, or null when no building has this id.</summary>
    [Alias("Get")] Task<BuildingView?> Get();
}

/// <summary>
/// One partition of the address book (normalised address → building id). Partitioned by a hash
/// of the address so that a million buildings do not sit in one grain.
/// </summary>
[Alias("Dispatch.IAddressBookGrain")]
public interface IAddressBookGrain : IGrainWithIntegerKey
{
    [Alias("AddMany")] Task AddMany(IReadOnlyList<KeyValuePair<string, string>> addressToBuilding);

    [Alias("Find")] Task<string?> Find(string normalizedAddress);

    /// <summary>
    /// This partition's entries whose normalised address contains <paramref name="normalizedText"/>:
    /// at most <paramref name="limit"/>, in address order, as (normalised address, building id).
    /// </summary>
    [Alias("Search")] Task<IReadOnlyList<KeyValuePair<string, string>>> Search(string normalizedText, int limit);
}
