using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dispatch.Catalog;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>
/// Open311 GeoReport v2 at /open311/v2, read against the specification's examples
/// (http://wiki.open311.org/GeoReport_v2): field names in their order, their JSON types, the same
/// fields as XML elements, the error array, and a POST that becomes a case dispatched like any other.
/// </summary>
public sealed partial class Open311Tests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string V2 = "/open311/v2";

    /// <summary>The fields of a service request, in the order of the specification's GET requests example.</summary>
    private static readonly string[] RequestFields =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ];

    private static readonly string[] ServiceFields = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex W3DateTime();

    private HttpClient Anonymous => gateway.CreateClient();

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static (string, string)[] Report(string serviceCode, string building, string description, params (string, string)[] more) =>
    [
        ("api_key", GatewayFactory.Hotline), ("service_code", serviceCode), ("address_id", building), ("description", description),
        .. more,
    ];

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<XElement> Xml(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        return XDocument.Parse(text).Root!;
    }

    private static DateTimeOffset Seconds(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), at.Offset);

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string[] Names(XElement element) => [.. element.Elements().Select(e => e.Name.LocalName)];

    private async Task<string> Submit(string serviceCode, string building, string description, params (string, string)[] more)
    {
        var response = await Anonymous.PostAsync($"{V2}/requests.json", Form(Report(serviceCode, building, description, more)));
        var created = await Json(response, HttpStatusCode.Created);
        return created[0].GetProperty("service_request_id").GetString()!;
    }

    [Fact]
    public async Task Discovery_names_this_endpoint_with_the_specifications_fields_in_json_and_xml()
    {
        var json = await Json(await Anonymous.GetAsync($"{V2}/discovery.json"));
        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], Names(json));
        var endpoint = Assert.Single(json.GetProperty("endpoints").EnumerateArray());
        Assert.Equal(["specification", "url", "changeset", "type", "formats"], Names(endpoint));
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.GetProperty("specification").GetString());
        Assert.EndsWith("/open311/v2", endpoint.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("production", endpoint.GetProperty("type").GetString());
        Assert.Equal(["text/xml", "application/json"], endpoint.GetProperty("formats").EnumerateArray().Select(f => f.GetString()!).ToArray());

        var xml = await Xml(await Anonymous.GetAsync("/open311/discovery.xml"));
        Assert.Equal("discovery", xml.Name.LocalName);
        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], Names(xml));
        var element = Assert.Single(xml.Element("endpoints")!.Elements("endpoint"));
        Assert.Equal(["specification", "url", "changeset", "type", "formats"], Names(element));
        Assert.Equal(["text/xml", "application/json"], element.Element("formats")!.Elements("format").Select(f => f.Value).ToArray());
    }

    [Fact]
    public async Task Services_are_the_catalogs_categories_with_the_specifications_fields_and_types()
    {
        var json = await Json(await Anonymous.GetAsync($"{V2}/services.json"));
        Assert.Equal(CategoryCatalog.Default.Categories.Count, json.GetArrayLength());
        foreach (var service in json.EnumerateArray())
        {
            Assert.Equal(ServiceFields, Names(service));
            foreach (var text in new[] { "service_code", "service_name", "description", "type", "keywords", "group" })
            {
                Assert.Equal(JsonValueKind.String, service.GetProperty(text).ValueKind);
            }

            Assert.Equal(JsonValueKind.False, service.GetProperty("metadata").ValueKind);
            Assert.Equal("realtime", service.GetProperty("type").GetString());
        }

        var sanitation = json.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "sanitation");
        Assert.Equal("Environmental sanitation", sanitation.GetProperty("service_name").GetString());
        Assert.Equal("Environment and property", sanitation.GetProperty("group").GetString());
        Assert.Contains("rubbish", sanitation.GetProperty("keywords").GetString(), StringComparison.Ordinal);

        var xml = await Xml(await Anonymous.GetAsync($"{V2}/services.xml"));
        Assert.Equal("services", xml.Name.LocalName);
        Assert.Equal(CategoryCatalog.Default.Categories.Count, xml.Elements("service").Count());
        Assert.All(xml.Elements("service"), s => Assert.Equal(ServiceFields, Names(s)));
        var first = xml.Elements("service").First();
        Assert.Equal("false", first.Element("metadata")!.Value);
        Assert.Equal(json[0].GetProperty("service_name").GetString(), first.Element("service_name")!.Value);
    }

    [Theory]
    [InlineData("?locale=zh", null, "环境卫生", "环境与物业")]
    [InlineData("?locale=zh_CN", null, "环境卫生", "环境与物业")]
    [InlineData("", "zh-CN,zh;q=0.9,en;q=0.8", "环境卫生", "环境与物业")]
    [InlineData("", "fr-FR, zh;q=0.5", "环境卫生", "环境与物业")]
    [InlineData("", "en-GB", "Environmental sanitation", "Environment and property")]
    [InlineData("?locale=en", "zh-CN", "Environmental sanitation", "Environment and property")]
    [InlineData("", null, "Environmental sanitation", "Environment and property")]
    public async Task Names_are_in_the_language_asked_for(string query, string? acceptLanguage, string name, string group)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{V2}/services.json{query}");
        if (acceptLanguage is not null)
        {
            request.Headers.Add("Accept-Language", acceptLanguage);
        }

        var response = await Anonymous.SendAsync(request);
        var sanitation = (await Json(response)).EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "sanitation");
        Assert.Equal(name, sanitation.GetProperty("service_name").GetString());
        Assert.Equal(group, sanitation.GetProperty("group").GetString());
        Assert.Equal(name == "环境卫生" ? "zh" : "en", response.Content.Headers.ContentLanguage.Single());
    }

    [Fact]
    public async Task A_service_definition_lists_its_attributes_and_an_unknown_service_is_404()
    {
        var json = await Json(await Anonymous.GetAsync($"{V2}/services/noise.json"));
        Assert.Equal(["service_code", "attributes"], Names(json));
        Assert.Equal("noise", json.GetProperty("service_code").GetString());
        Assert.Equal(0, json.GetProperty("attributes").GetArrayLength());

        var xml = await Xml(await Anonymous.GetAsync($"{V2}/services/noise.xml"));
        Assert.Equal("service_definition", xml.Name.LocalName);
        Assert.Equal(["service_code", "attributes"], Names(xml));

        var unknown = await Json(await Anonymous.GetAsync($"{V2}/services/unicorns.json"), HttpStatusCode.NotFound);
        Assert.Equal(404, unknown[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_post_becomes_a_case_dispatched_like_any_report_and_reads_back_field_for_field()
    {
        var response = await Anonymous.PostAsync($"{V2}/requests.json", Form(Report("sanitation", "D01-S01-C01-G01-B001", "Rubbish piled up at the gate",
            ("first_name", "John"), ("last_name", "Smith"), ("email", "smith@example.org"), ("phone", "111111111"),
            ("account_id", "123456"), ("device_id", "tt222111"), ("media_url", "http://example.org/photo.jpg"), ("jurisdiction_id", "demo"))));

        var created = await Json(response, HttpStatusCode.Created);
        var answer = Assert.Single(created.EnumerateArray());
        Assert.Equal(["service_request_id", "service_notice", "account_id"], Names(answer));
        var id = answer.GetProperty("service_request_id").GetString()!;
        Assert.True(IncidentIds.IsWellFormed(id), id);
        Assert.Equal("123456", answer.GetProperty("account_id").GetString());
        Assert.Equal("Handled by the grid's workers: accepted within 2 working hours of dispatch, you are contacted within 4 working hours "
            + "and resolved within 1 working day of the report.", answer.GetProperty("service_notice").GetString());
        Assert.Equal($"/open311/v2/requests/{id}.json", response.Headers.Location?.OriginalString);

        // The same case the JSON API registers: channel Open311, dispatched to a worker by the grid desk.
        var operatorClient = gateway.ClientFor(GatewayFactory.Operator);
        var view = (await Eventually(() => operatorClient.GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json),
            v => v!.Status == IncidentStatus.Dispatched, $"{id} to be dispatched"))!;
        Assert.Equal(Channel.Open311, view.Channel);
        Assert.Equal("sanitation", view.Category);
        Assert.Equal("D01-S01-C01-G01", view.Placement.Path.GridId);
        Assert.NotNull(view.Assignee?.WorkerId);
        Assert.Equal(new Reporter("John Smith", "111111111", "smith@example.org"), Assert.Single(view.Reporters));
        Assert.Equal("http://example.org/photo.jpg", view.MediaUrl);
        Assert.Contains(view.Timeline, t => t.Action == IncidentAction.Register && t.Actor == "hotline:hotline-desk");

        var json = await Json(await Anonymous.GetAsync($"{V2}/requests/{id}.json"));
        var request = Assert.Single(json.EnumerateArray());
        Assert.Equal(RequestFields, Names(request));
        Assert.Equal(id, request.GetProperty("service_request_id").GetString());
        Assert.Equal("open", request.GetProperty("status").GetString());
        Assert.Equal("Environmental sanitation", request.GetProperty("service_name").GetString());
        Assert.Equal("sanitation", request.GetProperty("service_code").GetString());
        Assert.Equal("Rubbish piled up at the gate", request.GetProperty("description").GetString());
        Assert.Equal("Grid D01-S01-C01-G01", request.GetProperty("agency_responsible").GetString());
        Assert.Equal("D01-S01-C01-G01-B001", request.GetProperty("address_id").GetString());
        Assert.Equal(JsonValueKind.String, request.GetProperty("address").ValueKind);
        Assert.Equal(JsonValueKind.Null, request.GetProperty("zipcode").ValueKind);
        Assert.Equal(view.Placement.Latitude, request.GetProperty("lat").GetDouble());
        Assert.Equal(view.Placement.Longitude, request.GetProperty("long").GetDouble());
        Assert.Equal("http://example.org/photo.jpg", request.GetProperty("media_url").GetString());
        Assert.Equal(JsonValueKind.String, request.GetProperty("status_notes").ValueKind);
        Assert.Equal(JsonValueKind.String, request.GetProperty("service_notice").ValueKind);
        foreach (var field in new[] { "requested_datetime", "updated_datetime", "expected_datetime" })
        {
            Assert.Matches(W3DateTime(), request.GetProperty(field).GetString()!);
        }

        // To the second, as the specification's w3 format writes them.
        Assert.Equal(Seconds(view.ReportedAt), DateTimeOffset.Parse(request.GetProperty("requested_datetime").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Seconds(view.ResolveDue!.Value), DateTimeOffset.Parse(request.GetProperty("expected_datetime").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        // Nothing about who reported is public.
        Assert.DoesNotContain("Smith", json.GetRawText(), StringComparison.Ordinal);

        var xml = await Xml(await Anonymous.GetAsync($"{V2}/requests/{id}.xml"));
        Assert.Equal("service_requests", xml.Name.LocalName);
        var element = Assert.Single(xml.Elements("request"));
        Assert.Equal(RequestFields, Names(element));
        foreach (var field in RequestFields)
        {
            var value = request.GetProperty(field);
            var expected = value.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            };
            Assert.Equal(expected, element.Element(field)!.Value);
        }

        var token = await Json(await Anonymous.GetAsync($"{V2}/tokens/{id}.json"));
        Assert.Equal(["service_request_id", "token"], Names(Assert.Single(token.EnumerateArray())));
        var tokenXml = await Xml(await Anonymous.GetAsync($"{V2}/tokens/{id}.xml"));
        Assert.Equal(id, tokenXml.Element("request")!.Element("service_request_id")!.Value);
    }

    [Fact]
    public async Task A_post_in_xml_answers_in_xml_and_a_resubmission_under_its_idempotency_key_is_the_same_case()
    {
        HttpRequestMessage Post() => new(HttpMethod.Post, $"{V2}/requests.xml")
        {
            Content = Form(Report("property", "D01-S01-C02-G01-B001", "Lift stuck between floors", ("lat", "0"), ("long", "0"))),
            Headers = { { "Idempotency-Key", "app-0001" } },
        };

        var first = await Xml(await Anonymous.SendAsync(Post()), HttpStatusCode.Created);
        var again = await Anonymous.SendAsync(Post());
        var second = await Xml(again, HttpStatusCode.OK);

        Assert.Equal("service_requests", first.Name.LocalName);
        var request = Assert.Single(first.Elements("request"));
        Assert.Equal(["service_request_id", "service_notice", "account_id"], Names(request));
        Assert.Equal("", request.Element("account_id")!.Value);
        Assert.Equal(request.Element("service_request_id")!.Value, second.Element("request")!.Element("service_request_id")!.Value);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Theory]
    [InlineData(null, "sanitation", 403)]
    [InlineData("no-such-key", "sanitation", 403)]
    [InlineData(GatewayFactory.Operator, "sanitation", 403)]
    [InlineData(GatewayFactory.Hotline, "", 400)]
    [InlineData(GatewayFactory.Hotline, "unicorns", 404)]
    public async Task A_refused_post_gets_the_specifications_error_array_and_the_matching_status(string? apiKey, string serviceCode, int status)
    {
        (string, string)[] fields = [("service_code", serviceCode), ("address_id", "D01-S01-C02-G02-B001"), ("description", "Street light out"),
            .. apiKey is null ? Array.Empty<(string, string)>() : [("api_key", apiKey)]];

        var json = await Json(await Anonymous.PostAsync($"{V2}/requests.json", Form(fields)), (HttpStatusCode)status);
        var error = Assert.Single(json.EnumerateArray());
        Assert.Equal(["code", "description"], Names(error));
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("description").GetString()));

        var xml = await Xml(await Anonymous.PostAsync($"{V2}/requests.xml", Form(fields)), (HttpStatusCode)status);
        Assert.Equal("errors", xml.Name.LocalName);
        var element = Assert.Single(xml.Elements("error"));
        Assert.Equal(["code", "description"], Names(element));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), element.Element("code")!.Value);
    }

    [Theory]
    [InlineData("address_id", "no-such-building", "address_id")]
    [InlineData("lat", "not-a-number", "lat")]
    [InlineData("media_url", "ftp://example.org/x", "media_url")]
    [InlineData("email", "not an email", "email")]
    [InlineData("attribute[WHISPAWN]", "123456", "attribute[WHISPAWN]")]
    [InlineData("locale", "fr", "locale")]
    public async Task Bad_input_is_400_naming_the_parameter_and_registers_nothing(string field, string value, string named)
    {
        var fields = Report("noise", "D01-S01-C02-G02-B002", "Drilling at 6am").Where(f => f.Item1 != field).Append((field, value)).ToArray();
        // locale is a parameter of the URL, as on every resource.
        var url = field == "locale" ? $"{V2}/requests.json?locale={value}" : $"{V2}/requests.json";
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = Form(field == "locale" ? Report("noise", "D01-S01-C02-G02-B002", "Drilling at 6am") : fields),
            Headers = { { "Idempotency-Key", $"bad-{field}" } },
        };

        var error = (await Json(await Anonymous.SendAsync(request), HttpStatusCode.BadRequest))[0];

        Assert.StartsWith(named, error.GetProperty("description").GetString(), StringComparison.Ordinal);
        // Nothing was registered (a registered report would answer its resubmission as a 200 replay): corrected, it registers now.
        var corrected = new HttpRequestMessage(HttpMethod.Post, $"{V2}/requests.json")
        {
            Content = Form(Report("noise", "D01-S01-C02-G02-B002", "Drilling at 6am")),
            Headers = { { "Idempotency-Key", $"bad-{field}" } },
        };
        await Json(await Anonymous.SendAsync(corrected), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Without_a_location_a_post_is_400()
    {
        var fields = Report("noise", "", "Music all night").Where(f => f.Item1 != "address_id").ToArray();
        var error = (await Json(await Anonymous.PostAsync($"{V2}/requests.json", Form(fields)), HttpStatusCode.BadRequest))[0];
        Assert.Contains("address_string", error.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_jurisdiction_an_unknown_request_and_an_unknown_format_are_refused_as_the_specification_says()
    {
        var wrong = await Json(await Anonymous.GetAsync($"{V2}/services.json?jurisdiction_id=sfgov.org"), HttpStatusCode.NotFound);
        Assert.Contains("sfgov.org", wrong[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        await Json(await Anonymous.GetAsync($"{V2}/services.json?jurisdiction_id=demo"));
        var wrongPost = await Anonymous.PostAsync($"{V2}/requests.json", Form([.. Report("noise", "D01-S01-C01-G02-B003", "Barking dog"), ("jurisdiction_id", "sfgov.org")]));
        await Json(wrongPost, HttpStatusCode.NotFound);

        await Json(await Anonymous.GetAsync($"{V2}/requests/20261123-000000000000.json"), HttpStatusCode.NotFound);
        await Json(await Anonymous.GetAsync($"{V2}/requests/not-a-case.json"), HttpStatusCode.NotFound);
        await Json(await Anonymous.GetAsync($"{V2}/tokens/20261123-000000000000.json"), HttpStatusCode.NotFound);
        var format = await Xml(await Anonymous.GetAsync($"{V2}/services.csv"), HttpStatusCode.BadRequest);
        Assert.Equal("400", format.Element("error")!.Element("code")!.Value);
        await Json(await Anonymous.GetAsync($"{V2}/services.json?locale=fr"), HttpStatusCode.BadRequest);
        await Json(await Anonymous.GetAsync($"{V2}/potholes.json"), HttpStatusCode.NotFound);
        var nowhere = await Xml(await Anonymous.GetAsync("/open311/v3/services.xml"), HttpStatusCode.NotFound);
        Assert.Equal("404", nowhere.Element("error")!.Element("code")!.Value);
    }

    [Fact]
    public async Task Get_requests_filters_by_id_service_code_status_and_date()
    {
        var noise = await Submit("noise", "D01-S01-C01-G02-B001", "Karaoke after midnight");
        var property = await Submit("property", "D01-S01-C01-G02-B002", "Water leaking from the roof");

        async Task<string[]> Ids(string query) =>
            [.. (await Json(await Anonymous.GetAsync($"{V2}/requests.json{query}"))).EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!)];

        // The register lags the journal by a fraction of a second.
        var all = await Eventually(() => Ids(""), ids => ids.Contains(noise) && ids.Contains(property), "both requests in the register");
        Assert.True(Array.IndexOf(all, property) < Array.IndexOf(all, noise), "newest first");

        var byCode = await Ids("?service_code=noise");
        Assert.Contains(noise, byCode);
        Assert.DoesNotContain(property, byCode);
        Assert.Contains(property, await Ids("?service_code=noise,property"));
        Assert.Contains(noise, await Ids("?status=open"));
        Assert.DoesNotContain(noise, await Ids("?status=closed"));
        Assert.Contains(noise, await Ids("?status=open,closed"));

        Assert.Equal([property, noise], await Ids($"?service_request_id={property},{noise},20261123-000000000000"));
        // service_request_id overrides every other argument.
        Assert.Equal([noise], await Ids($"?service_request_id={noise}&service_code=property&status=closed"));

        var now = DateTimeOffset.UtcNow;
        string W3(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(noise, await Ids($"?start_date={W3(now.AddHours(-1))}&end_date={W3(now.AddHours(1))}"));
        Assert.Empty(await Ids($"?start_date={W3(now.AddHours(1))}"));
        Assert.DoesNotContain(noise, await Ids($"?end_date={W3(now.AddHours(-1))}"));

        await Json(await Anonymous.GetAsync($"{V2}/requests.json?start_date={W3(now.AddDays(-100))}&end_date={W3(now)}"), HttpStatusCode.BadRequest);
        await Json(await Anonymous.GetAsync($"{V2}/requests.json?status=pending"), HttpStatusCode.BadRequest);
        await Json(await Anonymous.GetAsync($"{V2}/requests.json?service_code=unicorns"), HttpStatusCode.BadRequest);
        await Json(await Anonymous.GetAsync($"{V2}/requests.json?start_date=yesterday"), HttpStatusCode.BadRequest);

        var chinese = (await Json(await Anonymous.GetAsync($"{V2}/requests/{noise}.json?locale=zh")))[0];
        Assert.Equal("噪声扰民", chinese.GetProperty("service_name").GetString());
        Assert.Equal("网格 D01-S01-C01-G02", chinese.GetProperty("agency_responsible").GetString());

        var xml = await Xml(await Anonymous.GetAsync($"{V2}/requests.xml?service_code=noise"));
        Assert.All(xml.Elements("request"), r => Assert.Equal(RequestFields, Names(r)));
    }
}
