using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dispatch.Gateway.Apis;
using Dispatch.Incidents;
using static Dispatch.Testing.Polling;

namespace Dispatch.Gateway.Tests;

/// <summary>The monthly assessment and the statistics of a period over HTTP.</summary>
public sealed class AssessmentApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private HttpClient Operator => gateway.ClientFor(GatewayFactory.Operator);

    private static string ThisMonth => DateTimeOffset.UtcNow.ToOffset(PeriodReader.CityOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_report_counts_in_its_communitys_assessment_and_in_the_statistics_of_its_month_only()
    {
        await Reports.File(gateway, "noise", "D01-S01-C02-G02-B002");

        var assessment = await Eventually(
            () => Operator.GetFromJsonAsync<Assessment>($"/api/v1/assessment?level=community&month={ThisMonth}", GatewayFactory.Json),
            a => a!.Units.Any(u => u.Desk == "community:D01-S01-C02" && u.Cases > 0), "the report in the assessment");
        var community = assessment!.Units.Single(u => u.Desk == "community:D01-S01-C02");
        Assert.False(string.IsNullOrWhiteSpace(community.Name));
        Assert.NotEqual("D01-S01-C02", community.Name);
        // Ranked in order: the first is 1, each rank at least the one before it, never past its place in the list.
        Assert.Equal(1, assessment.Units[0].Rank);
        Assert.All(assessment.Units.Select((u, i) => (u, i)), p => Assert.InRange(p.u.Rank, p.i == 0 ? 1 : assessment.Units[p.i - 1].Rank, p.i + 1));
        Assert.Equal(0.2, assessment.Weights.Response);

        var month = await Operator.GetFromJsonAsync<StatisticsResponse>($"/api/v1/statistics/community:D01-S01-C02?month={ThisMonth}", GatewayFactory.Json);
        Assert.True(month!.Statistics.Open >= 1);
        Assert.NotNull(month.From);
        var longAgo = await Operator.GetFromJsonAsync<StatisticsResponse>("/api/v1/statistics/community:D01-S01-C02?month=2020-01", GatewayFactory.Json);
        Assert.Equal((0, 0L), (longAgo!.Statistics.Open, longAgo.Statistics.Closed));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), longAgo.From);
    }

    [Theory]
    [InlineData("/api/v1/assessment?level=grid", "level")]
    [InlineData("/api/v1/assessment?level=street&month=2026-13", "month")]
    [InlineData("/api/v1/assessment?level=street&from=2026-11-01T00:00:00Z", "to")]
    [InlineData("/api/v1/assessment?level=street&from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z", "to")]
    [InlineData("/api/v1/assessment?level=street&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("/api/v1/statistics/street:D01-S01?month=2026-11&from=2026-11-01T00:00:00Z", "month")]
    public async Task A_bad_period_or_level_is_422_naming_it(string path, string field)
    {
        using var response = await Operator.GetAsync(path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }
}
