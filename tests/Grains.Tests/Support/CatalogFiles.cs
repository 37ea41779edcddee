using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatch.Catalog;
using Dispatch.Territory.Import;

namespace Dispatch.Tests.Support;

/// <summary>Catalog files for tests: the shipped catalog with a change.</summary>
public static class CatalogFiles
{
    /// <summary>The shipped catalog.json, as a document to change.</summary>
    public static JsonObject Shipped()
    {
        using var stream = typeof(CategoryCatalog).Assembly.GetManifestResourceStream("Dispatch.Catalog.catalog.json")!;
        return JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
    }

    /// <summary>
    /// The shipped catalog with sanitation to be accepted within <paramref name="sanitationAcceptWithin"/>,
    /// and a new category <c>graffiti</c> owned by the grid (skill sanitation) and a new department <c>parks</c>.
    /// </summary>
    public static JsonObject Extended(string sanitationAcceptWithin = "00:20:00")
    {
        var catalog = Shipped();
        var categories = catalog["categories"]!.AsArray();
        categories.Single(c => (string?)c!["code"] == "sanitation")!["acceptWithin"] = sanitationAcceptWithin;
        categories.Add(new JsonObject
        {
            ["code"] = "graffiti", ["classCode"] = "01.09", ["nameEn"] = "Graffiti", ["nameZh"] = "乱涂乱画",
            ["urgency"] = "Low", ["acceptWithin"] = "03:00:00", ["resolveWithin"] = "2.00:00:00", ["skill"] = "sanitation", ["owner"] = "grid",
        });
        catalog["departments"]!.AsArray().Add(new JsonObject { ["code"] = "parks", ["nameEn"] = "Parks Department", ["nameZh"] = "园林局" });
        return catalog;
    }

    /// <summary><paramref name="catalog"/> without the category <paramref name="code"/>.</summary>
    public static JsonObject Without(JsonObject catalog, string code)
    {
        var categories = catalog["categories"]!.AsArray();
        categories.Remove(categories.Single(c => (string?)c!["code"] == code));
        return catalog;
    }

    public static byte[] Bytes(JsonObject catalog) => Encoding.UTF8.GetBytes(catalog.ToJsonString());

    public static ImportFile File(JsonObject catalog, string name = "catalog.json") => new(name, Bytes(catalog), new LayerOptions());
}
