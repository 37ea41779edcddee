using System.Text;
using System.Text.Json;
using System.Xml;

namespace Dispatch.Gateway.Apis.Open311;

/// <summary>The two formats of GeoReport v2, chosen by the resource's extension (<c>services.json</c>, <c>services.xml</c>).</summary>
public enum Open311Format
{
    Xml,
    Json,
}

/// <summary>A refusal in the specification's terms: the HTTP status and the description the client shows its user.</summary>
public sealed class Open311Exception(int status, string description) : Exception(description)
{
    public int Status { get; } = status;
}

/// <summary>One entry of the specification's error array.</summary>
public sealed record Open311Error(int Code, string Description);

/// <summary>
/// Writes a GeoReport v2 answer as JSON (System.Text.Json, snake_case names, nulls written) or as
/// XML. The XML is derived from the JSON by the specification's own mapping (the Spark convention,
/// read backwards): an object is an element per field, an array is an element wrapping one element
/// per item (<c>services</c>/<c>service</c>), a null is an empty element — so the two can never disagree.
/// </summary>
public sealed class Open311Output(object body, string root, Open311Format format, int status = StatusCodes.Status200OK) : IResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The element of each item of an array, by the array's name.</summary>
    private static readonly Dictionary<string, string> ItemNames = new(StringComparer.Ordinal)
    {
        ["services"] = "service",
        ["attributes"] = "attribute",
        ["values"] = "value",
        ["service_requests"] = "request",
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
        ["errors"] = "error",
    };

    public static Open311Format? ParseFormat(string? extension) =>
        string.Equals(extension, "json", StringComparison.OrdinalIgnoreCase) ? Open311Format.Json
        : string.Equals(extension, "xml", StringComparison.OrdinalIgnoreCase) ? Open311Format.Xml
        : null;

    /// <summary>The format a request's path ends in (<c>.json</c>, <c>.xml</c>); XML, the required format, for any other.</summary>
    public static Open311Format FormatOf(PathString path) =>
        ParseFormat(Path.GetExtension(path.Value)?.TrimStart('.')) ?? Open311Format.Xml;

    public static Open311Output Errors(Open311Format format, int status, params Open311Error[] errors) =>
        new(errors, "errors", format, status);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        if (format == Open311Format.Json)
        {
            response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), Json, httpContext.RequestAborted);
            return;
        }

        response.ContentType = "text/xml; charset=utf-8";
        await response.Body.WriteAsync(ToXml(JsonSerializer.SerializeToElement(body, body.GetType(), Json), root), httpContext.RequestAborted);
    }

    /// <summary>The XML document of <paramref name="json"/> under the element <paramref name="root"/>.</summary>
    public static byte[] ToXml(JsonElement json, string root)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            xml.WriteStartDocument();
            Write(xml, root, json);
            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }

    private static void Write(XmlWriter xml, string name, JsonElement value)
    {
        xml.WriteStartElement(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var field in value.EnumerateObject())
                {
                    Write(xml, field.Name, field.Value);
                }

                break;
            case JsonValueKind.Array:
                var item = ItemNames.TryGetValue(name, out var known) ? known : throw new InvalidOperationException($"No item element is known for the array '{name}'.");
                foreach (var element in value.EnumerateArray())
                {
                    Write(xml, item, element);
                }

                break;
            case JsonValueKind.String:
                xml.WriteString(value.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                xml.WriteString(value.GetRawText());
                break;
            default:
                // Null: an empty element, as the specification's examples show (<account_id/>).
                break;
        }

        xml.WriteEndElement();
    }
}
