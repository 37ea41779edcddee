namespace Dispatch.Territory;

[GenerateSerializer, Alias("Dispatch.AddressBookState")]
public sealed class AddressBookState
{
    [Id(0)] public Dictionary<string, string> Buildings { get; set; } = [];
}

/// <summary>One partition of the address book: normalised address → building id.</summary>
[GrainType("address-book")]
public sealed class AddressBookGrain(
    [PersistentState("address-book")] IPersistentState<AddressBookState> state) : Grain, IAddressBookGrain
{
    public async Task AddMany(IReadOnlyList<KeyValuePair<string, string>> addressToBuilding)
    {
        foreach (var (address, building) in addressToBuilding)
        {
            state.State.Buildings[AddressBook.Normalize(address)] = building;
        }

        await state.WriteStateAsync();
    }

    public Task<string?> Find(string normalizedAddress) =>
        Task.FromResult(state.State.Buildings.GetValueOrDefault(normalizedAddress));

    public Task<IReadOnlyList<KeyValuePair<string, string>>> Search(string normalizedText, int limit) =>
        Task.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(state.State.Buildings
            .Where(e => e.Key.Contains(normalizedText, StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(limit)
            .ToArray());
}
