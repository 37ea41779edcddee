using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Dispatch.Territory.Import;

/// <summary>One boundary read from a file, before it is placed in the tree.</summary>
/// <param name="Where">The file and feature, for messages: <c>grids.geojson feature 12 ('TS-3-3')</c>.</param>
public sealed record LayerFeature(string Where, OrgLevel Level, string Code, string Name, string? Parent, Geometry Geometry, int Households);

/// <summary>
/// Reads a GeoJSON FeatureCollection (WGS84 longitude/latitude; Polygon or MultiPolygon, holes
/// allowed) into <see cref="LayerFeature"/>s. Each feature's geometry is read with
/// NetTopologySuite's System.Text.Json converter; a feature that cannot be read is a problem named
/// by its number and code, and the others are still read, so one run lists every problem.
/// </summary>
public static class GeoJsonLayerReader
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    public static List<LayerFeature> Read(Stream json, string source, LayerOptions options, List<ImportProblem> problems)
    {
        var features = new List<LayerFeature>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            problems.Add(new ImportProblem(source, $"not valid JSON: {ex.Message}"));
            return features;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "FeatureCollection"
                || !root.TryGetProperty("features", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new ImportProblem(source, "not a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\" and a \"features\" array)"));
                return features;
            }

            var number = 0;
            foreach (var feature in list.EnumerateArray())
            {
                number++;
                if (ReadFeature(feature, $"{source} feature {number}", options, problems) is { } read)
                {
                    features.Add(read);
                }
            }
        }

        return features;
    }

    private static LayerFeature? ReadFeature(JsonElement feature, string where, LayerOptions options, List<ImportProblem> problems)
    {
        var properties = feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : default;
        var code = options.CodeProperty is { } codeProperty
            ? Text(properties, codeProperty)
            : Text(properties, "code") ?? (feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out var id) ? Scalar(id) : null);
        if (string.IsNullOrWhiteSpace(code))
        {
            problems.Add(new ImportProblem(where, $"has no code (property '{options.CodeProperty ?? "code"}'{(options.CodeProperty is null ? " or the feature's id" : "")})"));
            return null;
        }

        code = code.Trim();
        where = $"{where} ('{code}')";
        if (code.Contains(':') || code.Contains('/'))
        {
            problems.Add(new ImportProblem(where, "a code may not contain ':' or '/' (codes are used in desk keys and URLs)"));
            return null;
        }

        OrgLevel level;
        if (options.Level is { } fixedLevel)
        {
            level = fixedLevel;
        }
        else if (Text(properties, options.LevelProperty ?? "level") is { } levelText)
        {
            if (!LayerOptions.TryParseLevel(levelText, out level))
            {
                problems.Add(new ImportProblem(where, $"level '{levelText}' is not district, street, community or grid"));
                return null;
            }
        }
        else
        {
            level = OrgLevel.Grid;
        }

        var name = Text(properties, options.NameProperty ?? "name") ?? code;
        var parent = options.ParentProperty is { } parentProperty ? Text(properties, parentProperty)?.Trim() : null;
        var householdsText = Text(properties, options.HouseholdsProperty ?? "households");
        var households = 0;
        if (householdsText is not null && (!int.TryParse(householdsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out households) || households < 0))
        {
            problems.Add(new ImportProblem(where, $"households '{householdsText}' is not a whole number of at least 0"));
            return null;
        }

        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("geometry", out var geometryJson) || geometryJson.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ImportProblem(where, "has no geometry"));
            return null;
        }

        Geometry? geometry;
        try
        {
            geometry = geometryJson.Deserialize<Geometry>(GeoJson);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            problems.Add(new ImportProblem(where, $"its geometry cannot be read: {ex.Message}"));
            return null;
        }

        if (geometry is null)
        {
            problems.Add(new ImportProblem(where, "has no geometry"));
            return null;
        }

        return new LayerFeature(where, level, code, name.Trim(), string.IsNullOrEmpty(parent) ? null : parent, geometry, households);
    }

    /// <summary>A property as text: strings as they are, numbers as written (a numeric code 101 is "101").</summary>
    private static string? Text(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value) ? Scalar(value) : null;

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
