using System.Text;
using Dispatch.Errors;
using Microsoft.Extensions.Logging;

namespace Dispatch.Catalog;

[GenerateSerializer, Alias("Dispatch.CatalogState")]
public sealed class CatalogState
{
    /// <summary>The installed catalog's JSON text; null until the first install.</summary>
    [Id(0)] public string? Json { get; set; }

    [Id(1)] public int Version { get; set; }

    [Id(2)] public DateTimeOffset InstalledAt { get; set; }
}

/// <summary>
/// The service's installed catalog. Not reentrant: two imports installing at once are decided one
/// after the other, each checked against the catalog the other left.
/// </summary>
[GrainType("catalog")]
public sealed partial class CatalogGrain(
    [PersistentState("catalog")] IPersistentState<CatalogState> state,
    CategoryCatalog local,
    DispatchTime time,
    ILogger<CatalogGrain> logger) : Grain, ICatalogGrain
{
    /// <summary>The stored catalog parsed, so every check need not read it again.</summary>
    private CategoryCatalog? _installed;

    public Task<IReadOnlyList<string>> Check(string json) => Task.FromResult<IReadOnlyList<string>>(Problems(json, out _));

    public async Task<InstalledCatalog> Install(string json)
    {
        if (state.State.Json == json && Stored() is { } same)
        {
            return same;
        }

        var problems = Problems(json, out var next);
        if (problems.Count > 0)
        {
            throw new ValidationFailedException("catalog", string.Join("; ", problems));
        }

        state.State.Json = json;
        state.State.Version++;
        state.State.InstalledAt = time.Now;
        await state.WriteStateAsync();
        _installed = next;

        // The silo that installs it uses it at once; the others on their next check.
        if (local.Replace(next!, state.State.Version))
        {
            LogInstalled(logger, state.State.Version, next!.Categories.Count, next.Departments.Count);
        }

        return Stored()!;
    }

    public Task<InstalledCatalog?> Get() => Task.FromResult(Stored());

    private InstalledCatalog? Stored() =>
        state.State.Json is { } json ? new InstalledCatalog(json, state.State.Version, state.State.InstalledAt) : null;

    /// <summary>Whether <paramref name="json"/> is a valid catalog that may follow the current one: the installed one, else this silo's own.</summary>
    private List<string> Problems(string json, out CategoryCatalog? next)
    {
        try
        {
            next = Parse(json, "catalog");
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or ArgumentException or KeyNotFoundException)
        {
            next = null;
            return [$"not a valid catalog: {ex.Message}"];
        }

        var current = state.State.Json is { } stored ? _installed ??= Parse(stored, $"catalog version {state.State.Version}") : local;
        return [.. CatalogSuccession.Problems(current, next)];
    }

    private static CategoryCatalog Parse(string json, string source) => CategoryCatalog.Load(Encoding.UTF8.GetBytes(json), source);

    [LoggerMessage(5501, LogLevel.Information, "Catalog version {Version} installed and in use on this silo: {Categories} categories, {Departments} departments")]
    private static partial void LogInstalled(ILogger logger, int version, int categories, int departments);
}
