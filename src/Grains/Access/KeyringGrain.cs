namespace Dispatch.Access;

[GenerateSerializer, Alias("Dispatch.KeyringState")]
public sealed class KeyringState
{
    /// <summary>Grows by one with every change, so gateways re-read only when something changed.</summary>
    [Id(0)] public long Version { get; set; }

    [Id(1)] public List<IssuedKey> Keys { get; set; } = [];
}

/// <summary>
/// The keyring: a handful of rows, changed by admins now and then and read by every gateway every
/// few seconds (answered without storage when nothing changed). Not reentrant: changes one at a time.
/// </summary>
[GrainType("keyring")]
public sealed class KeyringGrain(
    [PersistentState("keyring")] IPersistentState<KeyringState> state,
    DispatchTime time) : Grain, IKeyringGrain
{
    public async Task<IssuedKey> Issue(IssuedKey key)
    {
        if (state.State.Keys.Find(k => k.Id == key.Id) is { } stored)
        {
            return stored;
        }

        state.State.Keys.Add(key);
        await Save();
        return key;
    }

    public async Task<IssuedKey?> SetScope(string id, string? scope)
    {
        var index = state.State.Keys.FindIndex(k => k.Id == id);
        if (index < 0)
        {
            return null;
        }

        var key = state.State.Keys[index];
        if (key.IsRevoked || key.Scope == scope)
        {
            return key;
        }

        state.State.Keys[index] = key with { Scope = scope };
        await Save();
        return state.State.Keys[index];
    }

    public async Task<IssuedKey?> Revoke(string id, string by)
    {
        var index = state.State.Keys.FindIndex(k => k.Id == id);
        if (index < 0)
        {
            return null;
        }

        var key = state.State.Keys[index];
        if (key.IsRevoked)
        {
            return key;
        }

        state.State.Keys[index] = key with { RevokedAt = time.Now, RevokedBy = by };
        await Save();
        return state.State.Keys[index];
    }

    public Task<IssuedKeys?> GetIfChanged(long knownVersion) =>
        Task.FromResult(knownVersion == state.State.Version ? null : new IssuedKeys(state.State.Version, [.. state.State.Keys]));

    private async Task Save()
    {
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not known to be stored: read back what storage holds, so this activation never answers with a change it may have lost.
            await state.ReadStateAsync();
            throw;
        }
    }
}
