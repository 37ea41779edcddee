namespace Dispatch.Catalog;

/// <summary>A catalog installed in the cluster's storage: its JSON text as it was given, and its version (from 1).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.InstalledCatalog")]
public sealed record InstalledCatalog(
    [property: Id(0)] string Json,
    [property: Id(1)] int Version,
    [property: Id(2)] DateTimeOffset InstalledAt);

/// <summary>
/// The catalog installed for the whole service (one grain, key 0), kept in the cluster's grain
/// storage: every silo and gateway reads it after start and checks it for a newer version, and it
/// wins over the file each one started with (<c>Dispatch:CatalogPath</c> or the shipped catalog).
/// A territory import installs it. A new catalog must keep every category code and department code
/// of the current one (<see cref="CatalogSuccession"/>): open cases fold against their category.
/// </summary>
[Alias("Dispatch.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>What refuses <paramref name="json"/> as the next catalog; empty when it may be installed. Changes nothing.</summary>
    [Alias("Check")] Task<IReadOnlyList<string>> Check(string json);

    /// <summary>
    /// Stores <paramref name="json"/> as the next version and swaps it into this silo's catalog at
    /// once; the same text as the current version is answered with that version, unchanged.
    /// </summary>
    /// <exception cref="Errors.ValidationFailedException">Field <c>catalog</c>: what <see cref="Check"/> finds; nothing was stored.</exception>
    [Alias("Install")] Task<InstalledCatalog> Install(string json);

    /// <summary>The installed catalog, or null while none has been installed (everyone uses their file).</summary>
    [Alias("Get")] Task<InstalledCatalog?> Get();
}
