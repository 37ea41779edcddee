using System.Globalization;
using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Gateway.Security;
using Dispatch.Territory;
using Dispatch.Territory.Import;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dispatch.Gateway.Apis;

/// <summary>
/// <c>PUT /api/v1/territory</c> (admin keys): a city's files as the next version of the map — the
/// same import as <c>Dispatch.Silo territory import</c>. The body is one file (GeoJSON as
/// <c>application/geo+json</c> or <c>application/json</c>, buildings or workers as <c>text/csv</c>
/// with <c>?file=NAME.csv</c>) or several as <c>multipart/form-data</c>. The query carries the
/// options: <c>level</c>, <c>codeProperty</c>, <c>nameProperty</c>, <c>parentProperty</c>,
/// <c>levelProperty</c>, <c>householdsProperty</c> (for every GeoJSON file), <c>cityName</c>,
/// <c>tolerance</c> (m²) and <c>dryRun</c>. A refused import is 422 problem+json listing every
/// problem (<c>problems: [{where, what}]</c>) and changes nothing.
/// </summary>
public static class TerritoryApi
{
    private const string Path = "/api/v1/territory";

    public static IEndpointRouteBuilder MapTerritoryApi(this IEndpointRouteBuilder app)
    {
        app.MapPut(Path, Import).RequireAuthorization(Policies.Admin).WithTags("Reference")
            .Accepts<object>("application/geo+json", "application/json", "text/csv", "multipart/form-data")
            .WithSummary("Import a city's boundaries (GeoJSON), buildings and workers (CSV) as the next version of the map (admin).");
        return app;
    }

    /// <summary>Whether a request is a territory import (it may carry a larger body).</summary>
    public static bool IsImport(HttpRequest request) =>
        HttpMethods.IsPut(request.Method) && request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase);

    private static async Task<Ok<TerritoryImportResult>> Import(HttpRequest request, IGrainFactory grains, CategoryCatalog catalog,
        ILoggerFactory loggers, IOptions<DispatchOptions> options, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var layer = new LayerOptions
        {
            Level = query["level"].FirstOrDefault() is { } text
                ? LayerOptions.TryParseLevel(text, out var level) ? level : throw new ValidationFailedException("level", $"'{text}' is not district, street, community or grid.")
                : null,
            CodeProperty = query["codeProperty"].FirstOrDefault(),
            NameProperty = query["nameProperty"].FirstOrDefault(),
            ParentProperty = query["parentProperty"].FirstOrDefault(),
            LevelProperty = query["levelProperty"].FirstOrDefault(),
            HouseholdsProperty = query["householdsProperty"].FirstOrDefault(),
        };
        var tolerance = 1.0;
        if (query["tolerance"].FirstOrDefault() is { } toleranceText
            && (!double.TryParse(toleranceText, NumberStyles.Float, CultureInfo.InvariantCulture, out tolerance) || tolerance < 0))
        {
            throw new ValidationFailedException("tolerance", "Give the tolerance in square metres, 0 or more.");
        }

        var dryRun = query["dryRun"].FirstOrDefault() is { } dry && (dry is "" or "1" || bool.TryParse(dry, out var yes) && yes);
        var files = new List<ImportFile>();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var file in form.Files)
            {
                using var content = new MemoryStream();
                await file.CopyToAsync(content, cancellationToken);
                files.Add(new ImportFile(string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName, content.ToArray(), layer));
            }
        }
        else
        {
            using var content = new MemoryStream();
            await request.Body.CopyToAsync(content, cancellationToken);
            var csv = request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
            var name = query["file"].FirstOrDefault() ?? (csv ? "upload.csv" : "upload.geojson");
            if (csv && !name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                name += ".csv";
            }

            files.Add(new ImportFile(name, content.ToArray(), layer));
        }

        if (files.Count == 0 || files.All(f => f.Content.Length == 0))
        {
            throw new ValidationFailedException("body", "Send the files to import: one GeoJSON or CSV body, or several as multipart/form-data.");
        }

        var importer = new TerritoryImporter(grains, catalog, loggers);
        return TypedResults.Ok(await importer.ImportAsync(options.Value.CityId,
            new TerritoryImportRequest(files, query["cityName"].FirstOrDefault(), tolerance, dryRun), cancellationToken: cancellationToken));
    }
}
