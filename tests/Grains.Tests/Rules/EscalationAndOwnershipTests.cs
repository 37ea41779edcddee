using Dispatch.Catalog;
using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

public sealed class EscalationAndOwnershipTests
{
    private static readonly TerritoryPath InGrid = new("city", "D1", "D1-S1", "D1-S1-C1", "D1-S1-C1-G01");
    private static readonly TerritoryPath InStreetMargin = new("city", "D1", "D1-S1", null, null);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CategoryCatalog Catalog = CategoryCatalog.Default;

    private static EscalationStep Step(OrgLevel level, string id) => new(new DeskRef(level, id), T0, "test");

    [Fact]
    public void A_grid_case_climbs_community_street_district_city_then_stops()
    {
        var tracker = DeskRef.Grid("D1-S1-C1-G01");
        var steps = new List<EscalationStep>();
        var climbed = new List<string>();
        while (EscalationChain.Next(InGrid, tracker, steps) is { } next)
        {
            climbed.Add(next.Key);
            steps.Add(new EscalationStep(next, T0, "test"));
        }

        Assert.Equal(["community:D1-S1-C1", "street:D1-S1", "district:D1", "city:city"], climbed);
    }

    [Fact]
    public void A_street_desk_case_escalates_to_the_district_first()
    {
        var next = EscalationChain.Next(InStreetMargin, new DeskRef(OrgLevel.Street, "D1-S1"), []);
        Assert.Equal(new DeskRef(OrgLevel.District, "D1"), next);
    }

    [Fact]
    public void A_department_case_escalates_through_the_district_of_the_place()
    {
        var department = DeskRef.Department("gas");
        Assert.Equal(new DeskRef(OrgLevel.District, "D1"), EscalationChain.Next(InGrid, department, []));
        Assert.Equal(new DeskRef(OrgLevel.City, "city"), EscalationChain.Next(InGrid, department, [Step(OrgLevel.District, "D1")]));
        Assert.Null(EscalationChain.Next(InGrid, department, [Step(OrgLevel.District, "D1"), Step(OrgLevel.City, "city")]));
    }

    [Theory]
    [InlineData("sanitation", "grid:D1-S1-C1-G01")]
    [InlineData("social-assistance", "community:D1-S1-C1")]
    [InlineData("street-occupation", "street:D1-S1")]
    [InlineData("gas-leak", "department:gas")]
    [InlineData("illegal-construction", "department:urban-management")]
    public void The_access_list_decides_who_takes_a_case_in(string category, string desk)
    {
        Assert.Equal(desk, OwnerResolver.TrackerFor(Catalog.Get(category), InGrid).Key);
    }

    [Fact]
    public void A_grid_case_outside_every_grid_goes_to_the_lowest_desk_that_holds_the_place()
    {
        Assert.Equal("street:D1-S1", OwnerResolver.TrackerFor(Catalog.Get("sanitation"), InStreetMargin).Key);
        Assert.Equal("city:city", OwnerResolver.TrackerFor(Catalog.Get("noise"), new TerritoryPath("city", null, null, null, null)).Key);
    }

    [Fact]
    public void Escalation_windows_come_from_the_catalog_by_urgency_and_stop_at_the_city()
    {
        var gas = Catalog.Get("gas-leak");
        Assert.Equal(T0 + Catalog.EscalationWindow(Urgency.Emergency, OrgLevel.Street),
            IncidentDeadlines.NextEscalationDue(Catalog, gas, OrgLevel.Street, T0));
        Assert.Null(IncidentDeadlines.NextEscalationDue(Catalog, gas, OrgLevel.City, T0));
        Assert.True(Catalog.EscalationWindow(Urgency.Emergency, OrgLevel.Community) < Catalog.EscalationWindow(Urgency.Normal, OrgLevel.Community));
    }
}
