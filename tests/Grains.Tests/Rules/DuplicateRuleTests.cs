using Dispatch.Desks;
using Dispatch.Hosting;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatch.Tests.Rules;

public sealed class DuplicateRuleTests
{
    private static readonly TerritoryPath Place = new("test", "D1", "D1-S1", "D1-S1-C1", "D1-S1-C1-G1");
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));

    /// <summary>About 1.11 m of latitude per 0.00001 degree.</summary>
    private const double MetresPerDegreeLatitude = 111_195;

    private static Placement Point(double lon, double lat) => new(Place, null, PlacementMethod.Coordinates, lon, lat);

    private static Placement Building(string id, double lon = 100.1, double lat = 30.1) => new(Place, id, PlacementMethod.Building, lon, lat);

    private static CaseState Case(string id, Placement placement, string category = "sanitation", IncidentStatus status = IncidentStatus.Dispatched,
        Channel channel = Channel.Hotline, IReadOnlyList<string>? separatedFrom = null) => new()
    {
        Id = id,
        Sequence = 3,
        Hash = "",
        Status = status,
        Category = category,
        Description = "bins",
        Channel = channel,
        Reporters = [new Reporter("Resident Wang", null)],
        Placement = placement,
        Tracker = DeskRef.Grid("D1-S1-C1-G1"),
        ReportedAt = T0,
        UpdatedAt = T0,
        SeparatedFrom = separatedFrom ?? [],
    };

    [Theory]
    [InlineData(100.0, 30.0, 100.0, 30.001, 111.2)]
    [InlineData(100.0, 30.0, 100.001, 30.0, 96.3)]
    [InlineData(116.3975, 39.9087, 121.4737, 31.2304, 1_067_000)]
    public void Distances_are_metres_on_the_sphere_not_degrees(double lon1, double lat1, double lon2, double lat2, double metres)
    {
        // A degree of longitude shrinks with the cosine of the latitude: 0.001 degree east at 30°N is about 96 m.
        Assert.Equal(metres, DuplicateRule.DistanceMeters(lon1, lat1, lon2, lat2), metres * 0.005);
    }

    [Fact]
    public void A_report_located_by_coordinates_repeats_an_open_case_of_its_category_within_the_radius_only()
    {
        var open = Case("K1", Point(100.1, 30.1));
        var near = Case("K2", Point(100.1, 30.1 + (20 / MetresPerDegreeLatitude)));
        var far = Case("K3", Point(100.1, 30.1 + (200 / MetresPerDegreeLatitude)));

        Assert.True(DuplicateRule.Repeats(near, open, 50));
        Assert.False(DuplicateRule.Repeats(far, open, 50));
        Assert.True(DuplicateRule.Repeats(far, open, 250));
        Assert.False(DuplicateRule.Repeats(near, open, 0));
        Assert.False(DuplicateRule.Repeats(near with { Category = "noise" }, open, 50));
        Assert.False(DuplicateRule.Repeats(near, open with { Status = IncidentStatus.Resolved }, 50));
    }

    [Fact]
    public void A_position_next_to_a_building_with_a_case_repeats_it_but_two_buildings_side_by_side_stay_two_cases()
    {
        var atBuilding = Case("K1", Building("B1", 100.1, 30.1));
        var phone = Case("K2", Point(100.1, 30.1 + (20 / MetresPerDegreeLatitude)));
        var nextDoor = Case("K3", Building("B2", 100.1, 30.1 + (20 / MetresPerDegreeLatitude)));

        Assert.True(DuplicateRule.Repeats(phone, atBuilding, 50));
        Assert.True(DuplicateRule.Repeats(atBuilding with { Id = "K4" }, phone, 50));
        Assert.False(DuplicateRule.Repeats(nextDoor, atBuilding, 50));
        Assert.True(DuplicateRule.Repeats(Case("K5", Building("B1", 100.2, 30.2)), atBuilding, 0));
    }

    [Fact]
    public void Visits_and_a_primary_the_case_was_separated_from_are_never_repeated()
    {
        var open = Case("K1", Building("B1"));

        Assert.False(DuplicateRule.Repeats(Case("K2", Building("B1"), channel: Channel.Visit), open, 50));
        Assert.False(DuplicateRule.Repeats(Case("K2", Building("B1")), open with { Channel = Channel.Visit }, 50));
        Assert.False(DuplicateRule.Repeats(Case("K2", Building("B1"), separatedFrom: ["K1"]), open, 50));
        Assert.True(DuplicateRule.Repeats(Case("K2", Building("B1"), separatedFrom: ["K9"]), open, 50));
        Assert.False(DuplicateRule.Repeats(open, open, 50));
    }

    [Theory]
    [InlineData("-1", false)]
    [InlineData("NaN", false)]
    [InlineData("20000", false)]
    [InlineData("0", true)]
    [InlineData("120.5", true)]
    public void The_merge_radius_is_checked_when_the_settings_are_read(string value, bool valid)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dispatch:MergeRadiusMeters"] = value }).Build();
        using var services = new ServiceCollection().AddDispatchCore(configuration).BuildServiceProvider();

        var read = Record.Exception(() => services.GetRequiredService<IOptions<DispatchOptions>>().Value);

        if (valid)
        {
            Assert.Null(read);
            Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), services.GetRequiredService<IOptions<DispatchOptions>>().Value.MergeRadiusMeters);
        }
        else
        {
            Assert.Contains("MergeRadiusMeters", Assert.IsType<OptionsValidationException>(read).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_merge_radius_is_50_m_unless_set()
    {
        Assert.Equal(50, new DispatchOptions().MergeRadiusMeters);
    }
}
