using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dispatch.Gateway.Security;
using Dispatch.Incidents;
using Microsoft.Extensions.DependencyInjection;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>One hostile request: what it sends, and whether only a refusal (4xx) is acceptable.</summary>
public sealed record HostileCase(string Name, HttpMethod Method, string Path, string? Body = null, string? ContentType = "application/json",
    string ApiKey = GatewayFactory.Admin, IReadOnlyDictionary<string, string>? Headers = null, bool MustRefuse = true)
{
    public override string ToString() => Name;
}

/// <summary>
/// A few hundred generated hostile requests across every endpoint: malformed JSON, wrong types,
/// huge values, unicode edge cases, injection strings, bad dates and bad headers. None may answer
/// 5xx, every refusal is problem+json, and nothing the API shows changes.
/// </summary>
public sealed class HostileInputTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string CasePath = "{case}";

    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE dispatch_journal; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)", "${jndi:ldap://x/a}",
        "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "{{7*7}}", "$where: '1 == 1'", "\\u0000", "*)(uid=*))(|(uid=*",
    ];

    private static readonly string[] Unicode =
    [
        "\u200B", "\u0000", "\uFEFF", "\u200B\u200C\u200D\u2060", "\u0001\u0002\u001B", "\u3164", "\u2800", "\u00AD\u034F",
        "abc\u0000def", "\uD800", "x\uDC00y", "\u0085\u2028\u2029",
    ];

    /// <summary>Odd but visible text: refused where it names nothing (a category, a building), fine in a description.</summary>
    private static readonly string[] OddUnicode = ["\u202Eevil", "\uFFFF\uFFFE", "\U0001D54F\U0001F642", "e\u0301\u0301\u0301\u0301"];

    private static readonly string[] MalformedJson =
    [
        "", " ", "{", "}", "[", "null", "true", "1", "\"text\"", "{\"category\":}", "{\"category\":\"noise\",}", "{'category':'noise'}",
        "{\"category\":\"noise\" // note\n}", "{\"category\":NaN}", "{\"category\":\"unterminated}", new string('[', 5000) + new string(']', 5000),
        "{\"category\":\"noise\"}{\"category\":\"noise\"}", "\u0000{}", "{\"a\":1e99999}",
    ];

    private static readonly string[] BadTimes =
    [
        "yesterday", "0001-01-01T00:00:00Z", "0001-01-03T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-45T00:00:00Z", "1e10", "-1",
        "2026-11-23T25:61:00Z", "\u0000", "2026-11-23T08:00:00+99:00", "99999-01-01", "' OR 1=1 --",
    ];

    private static Dictionary<string, object?> ValidReport() => new()
    {
        ["category"] = "noise",
        ["description"] = "Hostile input suite",
        ["reporter"] = new Dictionary<string, object?> { ["name"] = "Resident Wang", ["phone"] = "13900000000" },
        ["channel"] = "Hotline",
        ["location"] = new Dictionary<string, object?> { ["buildingId"] = "D01-S01-C01-G01-B001" },
    };

    private static readonly JsonSerializerOptions RawJson = new() { Converters = { new RawTextConverter() } };

    private static string With(Action<Dictionary<string, object?>> change)
    {
        var report = ValidReport();
        change(report);
        return JsonSerializer.Serialize(report, RawJson);
    }

    private static Dictionary<string, object?> Sub(Dictionary<string, object?> report, string name) => (Dictionary<string, object?>)report[name]!;

    public static IEnumerable<HostileCase> Corpus()
    {
        var incidents = "/api/v1/incidents";
        HostileCase Report(string name, string? body, string? contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null) =>
            new($"report: {name}", HttpMethod.Post, incidents, body, contentType, Headers: headers);

        // Reports: malformed JSON, wrong types, missing and huge fields, unicode, injections.
        foreach (var json in MalformedJson)
        {
            yield return Report($"malformed {Short(json)}", json);
        }

        object?[] wrongTypes = [1, 1.5, true, new object[] { "noise" }, new Dictionary<string, object?> { ["a"] = 1 }];
        foreach (var field in new[] { "category", "description", "reporter", "channel", "location" })
        {
            foreach (var value in wrongTypes.Append(null))
            {
                // A report without a channel is a hotline report: not a refusal.
                if ((field is "reporter" or "location" && value is Dictionary<string, object?>) || (field == "channel" && value is null))
                {
                    continue;
                }

                yield return Report($"{field} = {JsonSerializer.Serialize(value)}", With(r => r[field] = value));
            }
        }

        foreach (var value in new object?[] { 1, true, "", "   ", "Fax", "hotline1", "0", "99" })
        {
            yield return Report($"channel = {JsonSerializer.Serialize(value)}", With(r => r["channel"] = value));
        }

        foreach (var value in new object?[] { "120", true, 200, -181, 1e308, new object[] { 120 } })
        {
            yield return Report($"longitude = {JsonSerializer.Serialize(value)}", With(r => r["location"] = new Dictionary<string, object?> { ["longitude"] = value, ["latitude"] = 30 }));
            yield return Report($"latitude = {JsonSerializer.Serialize(value)}", With(r => r["location"] = new Dictionary<string, object?> { ["longitude"] = 120, ["latitude"] = value is 200 ? 91 : value }));
        }

        yield return Report("longitude 1e400", With(r => r["location"] = new Dictionary<string, object?> { ["latitude"] = 30 }).Replace("{\"latitude\"", "{\"longitude\":1e400,\"latitude\"", StringComparison.Ordinal));
        yield return Report("reporter.name 201", With(r => Sub(r, "reporter")["name"] = new string('n', CaseText.MaxNameLength + 1)));
        yield return Report("reporter.phone 41", With(r => Sub(r, "reporter")["phone"] = new string('1', CaseText.MaxPhoneLength + 1)));
        yield return Report("reporter.name 1", With(r => Sub(r, "reporter")["name"] = 1));
        yield return Report("description too long", With(r => r["description"] = new string('d', CaseText.MaxLength + 1)));
        yield return Report("description too long in CJK", With(r => r["description"] = new string('字', CaseText.MaxLength + 1)));
        yield return Report("address too long", With(r => r["location"] = new Dictionary<string, object?> { ["address"] = new string('a', CaseText.MaxAddressLength + 1) }));
        yield return Report("buildingId too long", With(r => r["location"] = new Dictionary<string, object?> { ["buildingId"] = new string('b', 10_000) }));
        foreach (var text in Unicode)
        {
            var printable = Escape(text);
            yield return Report($"description {printable}", With(r => r["description"] = new RawText(text)));
            yield return Report($"reporter.name {printable}", With(r => Sub(r, "reporter")["name"] = new RawText(text)));
        }

        foreach (var text in Unicode.Concat(OddUnicode))
        {
            var printable = Escape(text);
            yield return Report($"category {printable}", With(r => r["category"] = new RawText(text)));
            yield return Report($"buildingId {printable}", With(r => r["location"] = new Dictionary<string, object?> { ["buildingId"] = new RawText(text) }));
        }

        foreach (var injection in Injections)
        {
            yield return Report($"category {injection}", With(r => r["category"] = injection));
            yield return Report($"buildingId {injection}", With(r => r["location"] = new Dictionary<string, object?> { ["buildingId"] = injection }));
            yield return Report($"address {injection}", With(r => r["location"] = new Dictionary<string, object?> { ["address"] = injection }));
            yield return Report($"channel {injection}", With(r => r["channel"] = injection));
        }

        // Bad headers on an otherwise valid report.
        var valid = JsonSerializer.Serialize(ValidReport());
        foreach (var contentType in new[] { "application/json; charset=bogus-8", "application/json; charset=utf-16", "application/json; charset=\"\"", "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded" })
        {
            yield return Report($"content type {contentType}", valid, contentType);
        }

        yield return Report("no content type", valid, contentType: null);
        foreach (var key in new[] { "has space", new string('k', 201), "\u00e9t\u00e9", "a\tb", "key\u007f" })
        {
            yield return Report($"idempotency key {Escape(key)}", valid, headers: new Dictionary<string, string> { [IdempotencyKeys.Header] = key });
        }

        // Case actions on the suite's own case: every body made unreadable, of the wrong type, or invalid.
        string[] actions = ["reject", "resolve", "notes", "verify", "close", "cancel", "supervise", "reassign", "rate"];
        foreach (var action in actions)
        {
            foreach (var json in MalformedJson.Take(12))
            {
                yield return new($"{action}: malformed {Short(json)}", HttpMethod.Post, $"{CasePath}/{action}", json);
            }

            var field = action switch { "resolve" => "result", "notes" or "supervise" => "note", "rate" => "comment", _ => "reason" };
            foreach (var value in new object?[] { 1, true, new object[] { "x" }, new Dictionary<string, object?> { ["x"] = 1 } })
            {
                yield return new($"{action}: {field} = {JsonSerializer.Serialize(value)}", HttpMethod.Post, $"{CasePath}/{action}",
                    JsonSerializer.Serialize(new Dictionary<string, object?> { [field] = value, ["passed"] = true, ["score"] = 3 }));
            }

            foreach (var text in new[] { new string('r', CaseText.MaxLength + 1), "\u0000", "a\u0000b", "\uD800", "\u0007bell", "\u200B\uFEFF" })
            {
                yield return new($"{action}: {field} {Short(Escape(text))}", HttpMethod.Post, $"{CasePath}/{action}",
                    JsonSerializer.Serialize(new Dictionary<string, object?> { [field] = new RawText(text), ["passed"] = false, ["score"] = 3 }, RawJson));
            }

            yield return new($"{action}: charset bogus", HttpMethod.Post, $"{CasePath}/{action}", "{}", "application/json; charset=bogus-8");
            foreach (var id in Injections.Take(6).Append("20261123-AAAAAAAAAAAA"))
            {
                yield return new($"{action}: case {id}", HttpMethod.Post, $"/api/v1/incidents/{Uri.EscapeDataString(id)}/{action}",
                    JsonSerializer.Serialize(new Dictionary<string, object?> { [field] = "fine", ["passed"] = true, ["score"] = 3, ["workerId"] = "W000002" }));
            }
        }

        foreach (var value in new object?[] { "5", 5.5, 0, 6, -1, 1e10, "five", true, null })
        {
            yield return new($"rate: score = {JsonSerializer.Serialize(value)}", HttpMethod.Post, $"{CasePath}/rate", JsonSerializer.Serialize(new { score = value }));
        }

        foreach (var value in new object?[] { "true", 1, "yes", null, new object[] { true } })
        {
            yield return new($"verify: passed = {JsonSerializer.Serialize(value)}", HttpMethod.Post, $"{CasePath}/verify", JsonSerializer.Serialize(new { passed = value, reason = "x" }));
        }

        foreach (var worker in Injections.Take(6).Append("W999999").Append(""))
        {
            yield return new($"reassign: worker {worker}", HttpMethod.Post, $"{CasePath}/reassign", JsonSerializer.Serialize(new { workerId = worker, reason = "  " }));
        }

        // Duty: a worker goes on or off duty only with a boolean.
        foreach (var body in new[] { "{\"onDuty\":\"true\"}", "{\"onDuty\":1}", "{}", "null", "[]", "{\"onDuty\":null}", "{", "{\"onDuty\":\"\u0000\"}" })
        {
            yield return new($"duty: {Short(body)}", HttpMethod.Put, "/api/v1/workers/W000001/duty", body);
        }

        foreach (var id in Injections.Take(6).Append(new string('W', 5000)))
        {
            yield return new($"duty: worker {Short(id)}", HttpMethod.Put, $"/api/v1/workers/{Uri.EscapeDataString(id)}/duty", "{\"onDuty\":true}");
        }

        // Visit plans: every field of a visit checked, the whole plan refused for one bad visit.
        const string visits = "/api/v1/grids/D01-S01-C01-G01/visits";
        static string Plan(object visit) => JsonSerializer.Serialize(new { visits = new[] { visit } });
        var good = new { id = "kp-1", kind = "KeyPerson", buildingId = "D01-S01-C01-G01-B001", subject = "x", everyDays = 7, start = "2031-01-06T09:00:00+08:00" };
        foreach (var injection in Injections.Concat(OddUnicode).Take(12))
        {
            yield return new($"visits: id {Short(Escape(injection))}", HttpMethod.Put, visits, Plan(good with { id = injection }));
            yield return new($"visits: building {Short(Escape(injection))}", HttpMethod.Put, visits, Plan(good with { buildingId = injection }));
        }

        foreach (var time in BadTimes)
        {
            yield return new($"visits: start {time}", HttpMethod.Put, visits, Plan(good with { start = time }));
        }

        foreach (var body in new[] { Plan(good with { everyDays = -1 }), Plan(good with { everyDays = int.MaxValue }), Plan(good with { subject = new string('x', 5000) }),
            Plan(good with { kind = "1" }), "{\"visits\":{}}", "{\"visits\":\"kp-1\"}", "{\"visits\":[1]}", "null", "[]",
            JsonSerializer.Serialize(new { visits = Enumerable.Range(0, 501).Select(i => good with { id = $"v{i}" }) }) })
        {
            yield return new($"visits: {Short(body)}", HttpMethod.Put, visits, body);
        }

        // Admin keys: unreadable bodies, wrong types, roles and scopes that are not, hostile ids.
        const string adminKeys = "/api/v1/admin/keys";
        foreach (var body in new[] { "{", "[]", "null", "{\"name\":1,\"role\":\"operator\"}", "{\"name\":\"x\",\"role\":1}",
            "{\"name\":\"x\",\"role\":\"operator\",\"scope\":1}", "{\"name\":\"x\",\"role\":\"operator\",\"scope\":[\"district:D01\"]}", "{\"name\":\"\u0000\",\"role\":\"admin\"}" })
        {
            yield return new($"issue key: {Short(body)}", HttpMethod.Post, adminKeys, body);
        }

        foreach (var injection in Injections.Take(6).Concat(Unicode.Take(3)))
        {
            yield return new($"issue key: role {Short(Escape(injection))}", HttpMethod.Post, adminKeys, JsonSerializer.Serialize(new { name = "x", role = injection }));
            yield return new($"issue key: scope {Short(Escape(injection))}", HttpMethod.Post, adminKeys, JsonSerializer.Serialize(new { name = "x", role = "operator", scope = injection }));
            yield return new($"issue key: worker {Short(Escape(injection))}", HttpMethod.Post, adminKeys, JsonSerializer.Serialize(new { name = "x", role = "worker", workerId = injection }));
            if (UrlEncoded(injection) is { } id)
            {
                yield return new($"scope key {Short(Escape(injection))}", HttpMethod.Put, $"{adminKeys}/{id}/scope", "{\"scope\":\"district:D01\"}");
                yield return new($"revoke key {Short(Escape(injection))}", HttpMethod.Delete, $"{adminKeys}/{id}");
            }
        }

        // Reads: bad dates, limits, cursors, filters and ids. A read may answer 200, never 5xx.
        foreach (var time in BadTimes)
        {
            yield return new($"list: to={time}", HttpMethod.Get, $"{incidents}?to={Uri.EscapeDataString(time)}", MustRefuse: false);
            yield return new($"list: from={time}", HttpMethod.Get, $"{incidents}?from={Uri.EscapeDataString(time)}", MustRefuse: false);
        }

        string[] queries =
        [
            "limit=0", "limit=-1", "limit=201", "limit=abc", "limit=1e10", "limit=99999999999999999999", "status=bogus", "status=1", "status=,",
            "cursor=garbage", "cursor=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("99999999999999999999:x")), "cursor=" + new string('A', 4000),
            "overdue=maybe", "nonsense=1", "limit=1&limit=2", "from=2026-11-23T00:00:00Z&to=2026-01-01T00:00:00Z",
            "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        ];
        foreach (var query in queries)
        {
            yield return new($"list: {query}", HttpMethod.Get, $"{incidents}?{query}", MustRefuse: false);
        }

        foreach (var injection in Injections.Concat(Unicode).Concat(OddUnicode))
        {
            if (UrlEncoded(injection) is not { } value)
            {
                continue;
            }

            foreach (var filter in new[] { "grid", "community", "category", "worker", "status" })
            {
                yield return new($"list: {filter}={Short(Escape(injection))}", HttpMethod.Get, $"{incidents}?{filter}={value}", MustRefuse: false);
            }

            foreach (var path in new[] { "/api/v1/incidents/{0}", "/api/v1/grids/{0}/desk", "/api/v1/grids/{0}/visits", "/api/v1/desks/{0}", "/api/v1/desks/community:{0}", "/api/v1/statistics/{0}",
                "/api/v1/statistics/grid:{0}", "/api/v1/workers/{0}", "/api/v1/territory/areas/{0}", "/api/v1/territory/grids/{0}", "/api/v1/territory/buildings/{0}", "/api/v1/territory/buildings?q={0}" })
            {
                yield return new($"read: {path} {Short(Escape(injection))}", HttpMethod.Get, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, value), MustRefuse: false);
            }
        }

        foreach (var (lon, lat) in new[] { ("abc", "1"), ("NaN", "NaN"), ("Infinity", "0"), ("1e400", "0"), ("", ""), ("181", "0"), ("0", "-91"), ("120", "") })
        {
            yield return new($"locate: {lon},{lat}", HttpMethod.Get, $"/api/v1/territory/locate?longitude={lon}&latitude={lat}", MustRefuse: false);
        }

        // Keys: missing, wrong, huge.
        foreach (var key in new[] { "", "wrong", new string('k', 10_000), "' OR 1=1 --" })
        {
            yield return new($"key {Short(key)}", HttpMethod.Post, incidents, valid, ApiKey: key);
            yield return new($"key {Short(key)} read", HttpMethod.Get, incidents, ApiKey: key);
        }
    }

    [Fact]
    public async Task Hostile_requests_are_refused_as_problems_and_store_nothing()
    {
        var filed = await Reports.File(gateway, "sanitation", "D01-S01-C02-G02-B003");
        await Eventually(() => Case(filed.Id), v => v.Status == IncidentStatus.Dispatched, $"{filed.Id} to be dispatched");
        // The register is a projection that follows the journal: the "before" must include the case too.
        await gateway.Services.GetRequiredService<ICaseRegister>().CatchUpAsync();
        var before = await Snapshot(filed.Id);

        var cases = Corpus().ToList();
        var failures = new List<string>();
        foreach (var hostile in cases)
        {
            using var request = new HttpRequestMessage(hostile.Method, hostile.Path.Replace(CasePath, $"/api/v1/incidents/{filed.Id}", StringComparison.Ordinal));
            if (hostile.Body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(hostile.Body));
                if (hostile.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
                }
            }

            request.Headers.TryAddWithoutValidation("X-Api-Key", hostile.ApiKey);
            foreach (var (name, value) in hostile.Headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await gateway.CreateClient().SendAsync(request);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status >= 500)
            {
                failures.Add($"{hostile.Name}: {status} {await response.Content.ReadAsStringAsync()}");
            }
            else if (hostile.MustRefuse && status < 400)
            {
                failures.Add($"{hostile.Name}: {status}, not refused");
            }
            else if (status >= 400 && mediaType != "application/problem+json")
            {
                failures.Add($"{hostile.Name}: {status} as {mediaType ?? "no body"}");
            }
            else if (!response.Headers.Contains("X-Content-Type-Options"))
            {
                failures.Add($"{hostile.Name}: {status} without nosniff");
            }
        }

        Assert.True(cases.Count >= 300, $"{cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n{string.Join('\n', failures)}");

        // Whatever reached the journal is in the register once it catches up: nothing did.
        await gateway.Services.GetRequiredService<ICaseRegister>().CatchUpAsync();
        Assert.Equal(before, await Snapshot(filed.Id));
    }

    private async Task<IncidentView> Case(string id) =>
        (await gateway.ClientFor(GatewayFactory.Operator).GetFromJsonAsync<IncidentView>($"/api/v1/incidents/{id}", GatewayFactory.Json))!;

    /// <summary>What the API shows: the city's figures, the register's ids, the suite's case, worker W000001 and a grid's visit plan.</summary>
    private async Task<string> Snapshot(string id)
    {
        var client = gateway.ClientFor(GatewayFactory.Operator);
        var statistics = await client.GetStringAsync("/api/v1/statistics/city:demo");
        var register = await client.GetFromJsonAsync<Apis.IncidentListResponse>("/api/v1/incidents?limit=200", GatewayFactory.Json);
        var view = await Case(id);
        var worker = await client.GetStringAsync("/api/v1/workers/W000001");
        var visits = await client.GetStringAsync("/api/v1/grids/D01-S01-C01-G01/visits");
        return string.Join('\n', statistics, string.Join(',', register!.Items.Select(i => $"{i.Id}:{i.Status}")),
            string.Join(',', view.Timeline.Select(t => $"{t.Action}:{t.Actor}:{t.Reason}")), view.Status, worker, visits);
    }

    /// <summary>
    /// The text escaped for a URL; null for text that is not valid UTF-16 (a lone surrogate), which no
    /// URL can carry, and for a NUL, which Kestrel refuses before the application (the test server throws).
    /// </summary>
    private static string? UrlEncoded(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Uri.EscapeDataString(text);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length <= 40 ? text : $"{text[..40]}…({text.Length})";

    private static string Escape(string text) => string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
}

/// <summary>A string written into JSON as \u escapes, whatever it holds (lone surrogates and NUL included).</summary>
public sealed record RawText(string Text);

public sealed class RawTextConverter : System.Text.Json.Serialization.JsonConverter<RawText>
{
    public override RawText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, RawText value, JsonSerializerOptions options) =>
        writer.WriteRawValue("\"" + string.Concat(value.Text.Select(c => c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:X4}" : c.ToString())) + "\"", skipInputValidation: true);
}
