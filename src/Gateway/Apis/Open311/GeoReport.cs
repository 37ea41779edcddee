using System.Globalization;
using Dispatch.Catalog;
using Dispatch.Gateway.Cluster;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Dispatch.Gateway.Apis.Open311;

/// <summary>The operations of GeoReport v2 on the catalog and the cases; <see cref="Open311Api"/> maps them to their URLs.</summary>
public sealed class GeoReport(
    CategoryCatalog catalog,
    ReportSubmission submission,
    IGrainFactory grains,
    ClusterCalls calls,
    TimeProvider clock,
    IOptions<Open311Options> options,
    IOptions<DispatchOptions> dispatch)
{
    /// <summary>Case and building reads one list request makes at once.</summary>
    private const int ReadsInParallel = 16;

    private readonly string _jurisdiction = options.Value.JurisdictionId is { Length: > 0 } id ? id : dispatch.Value.CityId;
    private readonly string _changeset = options.Value.Changeset ?? clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A request may name this endpoint's jurisdiction or none (it serves one); any other is not found.</summary>
    public void CheckJurisdiction(StringValues jurisdiction)
    {
        var named = jurisdiction.ToString().Trim();
        if (named.Length > 0 && !string.Equals(named, _jurisdiction, StringComparison.OrdinalIgnoreCase))
        {
            throw new Open311Exception(StatusCodes.Status404NotFound, $"jurisdiction_id '{named}' was not found: this endpoint serves '{_jurisdiction}'.");
        }
    }

    public IResult Discovery(HttpContext http)
    {
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Open311Api.Prefix}";
        return Answer(http, new Open311Discovery(_changeset, options.Value.Contact, options.Value.KeyService,
            [new Open311Endpoint(Open311Api.Specification, url, _changeset, "production", ["text/xml", "application/json"])]), "discovery");
    }

    public IResult Services(HttpContext http)
    {
        var language = Speak(http);
        return Answer(http, catalog.Categories.Select(c => new Open311Service(
            c.Code, c.Name(language), c.Description(language), Metadata: false, "realtime", c.Keywords(language), catalog.Group(c, language))).ToList(), "services");
    }

    public IResult ServiceDefinition(HttpContext http)
    {
        var category = Service(http.GetRouteValue("service_code") as string);
        return Answer(http, new Open311ServiceDefinition(category.Code, []), "service_definition");
    }

    /// <summary>POST requests: a report, registered as any report is (same validation, idempotency key, acknowledgement and dispatch).</summary>
    public async Task<IResult> Submit(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, "Send the request as application/x-www-form-urlencoded.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string? Field(string name) => form[name].ToString().Trim() is { Length: > 0 } value ? value : null;

        CheckJurisdiction(form["jurisdiction_id"]);
        if (!http.User.IsInRole(Roles.Hotline))
        {
            var presented = Field(ApiKeyHandler.Open311Parameter) ?? http.Request.Query[ApiKeyHandler.Open311Parameter].ToString();
            throw new Open311Exception(StatusCodes.Status403Forbidden, string.IsNullOrWhiteSpace(presented) && !http.Request.Headers.ContainsKey(ApiKeyHandler.Header)
                ? "api_key was not provided -- can't proceed with create_request."
                : http.User.Identity?.IsAuthenticated == true
                    ? "api_key is not a hotline key -- can't proceed with create_request."
                    : "Invalid api_key received -- can't proceed with create_request.");
        }

        var category = Service(Field("service_code"));
        if (form.Keys.FirstOrDefault(k => k.StartsWith("attribute[", StringComparison.Ordinal)) is { } attribute)
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, $"{attribute}: service '{category.Code}' asks for no attributes (its definition lists none).");
        }

        var request = new Submission(category.Code, Field("lat"), Field("long"), Field("address_string"), Field("address_id"), Field("email"),
            Field("device_id"), Field("account_id"), Field("first_name"), Field("last_name"), Field("phone"), Field("description"), Field("media_url"));
        var name = string.Join(' ', new[] { request.FirstName, request.LastName }.OfType<string>());
        var location = new ReportedLocation(request.AddressId, Coordinate("long", request.Long), Coordinate("lat", request.Lat), request.AddressString);
        // Everything the answer needs is read before the report is registered: a refusal after it would leave a case behind.
        var format = FormatOf(http);
        var language = Speak(http);
        var (view, replay) = await submission.Submit(http, request, new NewReport(
            category.Code,
            request.Description ?? "",
            new Reporter(name.Length > 0 ? name : "anonymous", request.Phone, request.Email),
            Channel.Open311,
            location,
            MediaUrl: request.MediaUrl));

        http.Response.Headers.Location = $"{Open311Api.Prefix}/requests/{view.Id}.{format.ToString().ToLowerInvariant()}";
        var notice = Open311Texts.ServiceNotice(catalog, category, language);
        return new Open311Output(new[] { new Open311Created(view.Id, notice, request.AccountId) }, "service_requests", format,
            replay ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    public async Task<IResult> Requests(HttpContext http)
    {
        var language = Speak(http);
        var search = Open311Search.Read(http.Request.Query, catalog, clock.GetUtcNow());
        var ids = search.Ids.Count > 0 ? search.Ids : await Search(search, http.RequestAborted);
        var views = await InParallel(ids.Where(IncidentIds.IsWellFormed).ToList(),
            (id, token) => new ValueTask<IncidentView?>(calls.Idempotent(() => grains.GetGrain<IIncidentGrain>(id).Get(), token)), http.RequestAborted);
        return Answer(http, await Describe([.. views.OfType<IncidentView>()], language, http.RequestAborted), "service_requests");
    }

    public async Task<IResult> Request(HttpContext http)
    {
        var view = await Find(http.GetRouteValue("service_request_id") as string, "service_request_id");
        return Answer(http, await Describe([view], Speak(http), http.RequestAborted), "service_requests");
    }

    /// <summary>Requests here are realtime, so no POST hands out a token; a client that kept the case number as its token gets it back.</summary>
    public async Task<IResult> Token(HttpContext http)
    {
        var view = await Find(http.GetRouteValue("token") as string, "token");
        return Answer(http, new[] { new Open311Token(view.Id, view.Id) }, "service_requests");
    }

    private async Task<IncidentView> Find(string? id, string parameter) =>
        IncidentIds.IsWellFormed(id) && await calls.Idempotent(() => grains.GetGrain<IIncidentGrain>(id!).Get()) is { } view
            ? view
            : throw new Open311Exception(StatusCodes.Status404NotFound, $"{parameter} '{id}' was not found.");

    /// <summary>The register's cases that match, newest first, at most <see cref="Open311Search.MaxResults"/>: one search per service code, page by page.</summary>
    private async Task<IReadOnlyList<string>> Search(Open311Search search, CancellationToken cancellationToken)
    {
        var register = grains.GetGrain<IIncidentSearchGrain>(0);
        var found = new List<IncidentSummary>();
        IReadOnlyList<string?> codes = search.ServiceCodes.Count == 0 ? [null] : [.. search.ServiceCodes];
        foreach (var code in codes)
        {
            var query = new IncidentQuery { Statuses = search.Statuses, Category = code, From = search.From, To = search.To, Limit = IncidentRegister.MaxLimit };
            var ofCode = 0;
            IncidentCursor? after = null;
            do
            {
                var page = await calls.Idempotent(() => register.Search(query with { After = after }), cancellationToken);
                found.AddRange(page.Items);
                ofCode += page.Items.Count;
                after = page.Next;
            }
            while (after is not null && ofCode < Open311Search.MaxResults);
        }

        found.Sort(IncidentCursor.NewestFirst);
        return [.. found.Take(Open311Search.MaxResults).Select(s => s.Id)];
    }

    /// <summary>Cases as service requests, with the addresses of their buildings.</summary>
    private async Task<List<Open311Request>> Describe(IReadOnlyList<IncidentView> views, Open311Language language, CancellationToken cancellationToken)
    {
        var buildingIds = views.Select(v => v.Placement.BuildingId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var buildings = await InParallel(buildingIds,
            (id, token) => new ValueTask<BuildingView?>(calls.Idempotent(() => grains.GetGrain<IBuildingGrain>(id).Get(), token)), cancellationToken);
        var addresses = buildingIds.Zip(buildings).ToDictionary(b => b.First, b => b.Second?.Building.Address, StringComparer.Ordinal);
        return [.. views.Select(v => Describe(v, v.Placement.BuildingId is { } b ? addresses.GetValueOrDefault(b) : null, language))];
    }

    private Open311Request Describe(IncidentView view, string? address, Open311Language language)
    {
        var known = catalog.TryGet(view.Category, out var category);
        // For a closed request the specification's updated_datetime is when it was closed.
        var updated = !view.IsOpen && view.ClosedAt is { } closed ? closed
            : view.Timeline.Count > 0 ? view.Timeline[^1].At
            : view.ReportedAt;
        return new Open311Request(
            view.Id,
            view.IsOpen ? "open" : "closed",
            Open311Texts.StatusNotes(view, language),
            known ? category.Name(language) : view.Category,
            view.Category,
            view.Description,
            Open311Texts.Agency(catalog, view.Tracker, language),
            known ? Open311Texts.ServiceNotice(catalog, category, language) : null,
            W3(view.ReportedAt),
            W3(updated),
            view.ResolveDue is { } due ? W3(due) : null,
            address,
            view.Placement.BuildingId,
            Zipcode: null,
            view.Placement.Latitude,
            view.Placement.Longitude,
            view.MediaUrl);
    }

    /// <summary>The specification's date-time: ISO 8601 (the w3 note's subset) with its offset.</summary>
    public static string W3(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private CategoryDefinition Service(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new Open311Exception(StatusCodes.Status400BadRequest, "service_code was not provided.");
        }

        return catalog.TryGet(code.Trim(), out var category)
            ? category
            : throw new Open311Exception(StatusCodes.Status404NotFound, $"service_code '{code}' was not found (see services.xml).");
    }

    private static double? Coordinate(string parameter, string? text) =>
        text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw new Open311Exception(StatusCodes.Status400BadRequest, $"{parameter}: '{text}' is not a number in degrees (WGS84).");

    private static Open311Language Speak(HttpContext http)
    {
        var language = Open311Texts.Pick(http.Request);
        http.Response.Headers.ContentLanguage = Open311Texts.ContentLanguage(language);
        return language;
    }

    private static Open311Format FormatOf(HttpContext http) => Open311Output.ParseFormat(http.GetRouteValue("format") as string) ?? Open311Format.Xml;

    private static Open311Output Answer(HttpContext http, object body, string root) => new(body, root, FormatOf(http));

    private static async Task<TResult[]> InParallel<T, TResult>(List<T> items, Func<T, CancellationToken, ValueTask<TResult>> read, CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = ReadsInParallel, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await read(items[i], token));
        return results;
    }

    /// <summary>A POST as received (without its key): what a resubmission under the same Idempotency-Key must repeat.</summary>
    private sealed record Submission(
        string ServiceCode,
        string? Lat,
        string? Long,
        string? AddressString,
        string? AddressId,
        string? Email,
        string? DeviceId,
        string? AccountId,
        string? FirstName,
        string? LastName,
        string? Phone,
        string? Description,
        string? MediaUrl);
}
