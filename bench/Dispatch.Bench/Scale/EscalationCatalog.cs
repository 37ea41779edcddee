using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatch.Catalog;

namespace Dispatch.Bench.Scale;

/// <summary>
/// The shipped catalog with every category's clocks replaced: an accept limit long enough never to
/// fire during a run, and one resolve limit for all, so each case's escalation falls due a known
/// time after it was registered.
/// </summary>
public static class EscalationCatalog
{
    private const string ShippedResource = "Dispatch.Catalog.catalog.json";

    /// <summary>Writes the catalog to a temporary file and answers its path (for <c>Dispatch:CatalogPath</c>).</summary>
    public static string Write(TimeSpan acceptWithin, TimeSpan resolveWithin)
    {
        using var shipped = typeof(CategoryCatalog).Assembly.GetManifestResourceStream(ShippedResource)
            ?? throw new InvalidOperationException($"The shipped catalog '{ShippedResource}' is not embedded in {typeof(CategoryCatalog).Assembly.GetName().Name}.");
        var document = JsonNode.Parse(shipped, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })
            ?? throw new InvalidDataException("The shipped catalog is empty.");
        foreach (var category in document["categories"]!.AsArray())
        {
            category!["acceptWithin"] = acceptWithin.ToString("c", CultureInfo.InvariantCulture);
            category["resolveWithin"] = resolveWithin.ToString("c", CultureInfo.InvariantCulture);
            // Only the resolve clock is measured: no first-contact stage (which may not outlast the
            // resolve limit) and no on-site check holding a report before it is filed.
            category.AsObject().Remove("contactWithin");
            category.AsObject().Remove("confirmWithin");
        }

        var path = Path.Combine(Path.GetTempPath(), $"dispatch-bench-escalation-catalog-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
