using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dispatch.Visits;

namespace Dispatch.Gateway.Tests;

/// <summary>A grid's visit plan over HTTP: operators set it, the plan shows where each visit stands, bad plans change nothing.</summary>
public sealed class VisitsApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Grid = "D01-S01-C02-G01";
    private const string Path = $"/api/v1/grids/{Grid}/visits";

    private Task<HttpResponseMessage> Put(string json, string key = GatewayFactory.Operator) =>
        gateway.ClientFor(key).PutAsync(Path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<VisitPlanView> Get() =>
        (await gateway.ClientFor(GatewayFactory.Hotline).GetFromJsonAsync<VisitPlanView>(Path, GatewayFactory.Json))!;

    private static async Task<string> ProblemField(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("field").GetString()!;
    }

    private static string Visit(string id, string building, string kind = "KeyPerson", int every = 7, string start = "2031-01-06T09:00:00+08:00") =>
        $$"""{"id":"{{id}}","kind":"{{kind}}","buildingId":"{{building}}","subject":"Mr Wang, room 302","everyDays":{{every}},"start":"{{start}}"}""";

    [Fact]
    public async Task An_operator_sets_a_plan_and_the_desk_roles_see_when_each_visit_is_due()
    {
        using var put = await Put($$"""{"visits":[{{Visit("kp-1", $"{Grid}-B001")}},{{Visit("old-1", $"{Grid}-B002", "ElderlyAlone", 1)}}]}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var plan = await Get();
        Assert.Equal(Grid, plan.GridId);
        Assert.Equal(["kp-1", "old-1"], plan.Visits.Select(v => v.Visit.Id));
        Assert.Equal(["key-person-visit", "elder-care"], plan.Visits.Select(v => v.Category));
        Assert.Equal(new DateTimeOffset(2031, 1, 6, 1, 0, 0, TimeSpan.Zero), plan.Visits[0].NextDue);
        Assert.StartsWith("operator:", plan.UpdatedBy, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await Put("""{"visits":[]}""", GatewayFactory.Hotline)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.ClientFor(GatewayFactory.Operator).GetAsync("/api/v1/grids/NO-SUCH-GRID/visits")).StatusCode);
    }

    [Theory]
    [InlineData("{}", "visits")]
    [InlineData("""{"visits":[null]}""", "visits[0]")]
    [InlineData("""{"visits":[{"kind":"KeyPerson"}]}""", "visits[0].id")]
    [InlineData("""{"visits":[{"id":"a","kind":"Bogus"}]}""", "visits[0].kind")]
    [InlineData("""{"visits":[{"id":"a b","kind":"KeyPerson","buildingId":"D01-S01-C02-G01-B001","subject":"x","everyDays":7,"start":"2031-01-06T09:00:00+08:00"}]}""", "visits[0].id")]
    [InlineData("""{"visits":[{"id":"a","kind":"KeyPerson","buildingId":"D01-S01-C02-G01-B001","subject":"x","everyDays":400,"start":"2031-01-06T09:00:00+08:00"}]}""", "visits[0].everyDays")]
    [InlineData("""{"visits":[{"id":"a","kind":"KeyPerson","buildingId":"D01-S01-C01-G01-B001","subject":"x","everyDays":7,"start":"2031-01-06T09:00:00+08:00"}]}""", "visits[0].buildingId")]
    [InlineData("""{"visits":[{"id":"a","kind":"KeyPerson","buildingId":"D01-S01-C02-G01-B001","subject":"  ","everyDays":7,"start":"2031-01-06T09:00:00+08:00"}]}""", "visits[0].subject")]
    [InlineData("""{"visits":[{"id":"a","kind":"KeyPerson","buildingId":"D01-S01-C02-G01-B001","subject":"x","everyDays":7,"start":"0001-01-01T00:00:00Z"}]}""", "visits[0].start")]
    public async Task A_bad_plan_is_a_problem_naming_the_field_and_changes_nothing(string json, string field)
    {
        using var kept = await Put($$"""{"visits":[{{Visit("keep", $"{Grid}-B001", every: 14)}}]}""");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var before = await Get();

        using var refused = await Put(json);
        Assert.True(refused.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{refused.StatusCode}");
        Assert.Equal(field, await ProblemField(refused, refused.StatusCode));

        var after = await Get();
        Assert.Equal(before.Visits, after.Visits);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task Nobody_reports_a_visit_case_by_hand()
    {
        using var response = await gateway.ClientFor(GatewayFactory.Hotline).PostAsync("/api/v1/incidents", new StringContent(
            """{"category":"key-person-visit","description":"x","reporter":{"name":"a"},"channel":"Visit","location":{"buildingId":"D01-S01-C02-G01-B001"}}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal("channel", await ProblemField(response, HttpStatusCode.UnprocessableEntity));
    }
}
