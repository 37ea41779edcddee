using System.Text;
using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

/// <summary>Which reports are confirmed on site before filing (核实), and what the catalog, settings, journal and figures make of them.</summary>
public sealed class ConfirmBeforeFilingTests
{
    private static readonly TerritoryPath InGrid = new("city", "D1", "D1-S1", "D1-S1-C1", "D1-S1-C1-G01");
    private static readonly TerritoryPath InStreetMargin = new("city", "D1", "D1-S1", null, null);
    private static readonly CategoryCatalog Catalog = CategoryCatalog.Default;
    private static readonly ConfirmBeforeFilingOptions Shipped = new();

    [Fact]
    public void The_shipped_catalog_holds_residents_reports_of_abandoned_vehicles_and_illegal_construction_for_a_check()
    {
        Assert.Equal(TimeSpan.FromHours(4), Catalog.Get("abandoned-vehicle").ConfirmWithin);
        Assert.Equal(TimeSpan.FromDays(1), Catalog.Get("illegal-construction").ConfirmWithin);
        Assert.Null(Catalog.Get("sanitation").ConfirmWithin);
        Assert.All(Catalog.Categories.Where(c => c.ConfirmWithin is not null), c => Assert.NotEqual(Urgency.Emergency, c.Urgency));
    }

    [Theory]
    [InlineData("abandoned-vehicle", Channel.Hotline, true)]
    [InlineData("abandoned-vehicle", Channel.App, true)]
    [InlineData("abandoned-vehicle", Channel.Open311, true)]
    [InlineData("illegal-construction", Channel.Hotline, true)]
    // The worker who reports from patrol, a building leader, and a planned visit are on the spot already.
    [InlineData("abandoned-vehicle", Channel.Patrol, false)]
    [InlineData("abandoned-vehicle", Channel.BuildingLeader, false)]
    [InlineData("abandoned-vehicle", Channel.Visit, false)]
    // A category without a confirm limit is filed at once from any channel.
    [InlineData("sanitation", Channel.Hotline, false)]
    public void A_report_is_held_when_its_category_has_a_confirm_limit_and_its_channel_is_listed(string category, Channel channel, bool held)
    {
        Assert.Equal(held, ConfirmBeforeFiling.Applies(Catalog.Get(category), channel, InGrid, Shipped));
    }

    [Fact]
    public void A_report_outside_every_grid_is_filed_at_once_for_nobody_could_go_and_look()
    {
        Assert.False(ConfirmBeforeFiling.Applies(Catalog.Get("abandoned-vehicle"), Channel.Hotline, InStreetMargin, Shipped));
    }

    [Fact]
    public void The_channels_setting_decides_and_never_names_patrol_or_visit()
    {
        var hotlineOnly = new ConfirmBeforeFilingOptions { Channels = " hotline " };
        Assert.True(ConfirmBeforeFiling.Applies(Catalog.Get("abandoned-vehicle"), Channel.Hotline, InGrid, hotlineOnly));
        Assert.False(ConfirmBeforeFiling.Applies(Catalog.Get("abandoned-vehicle"), Channel.App, InGrid, hotlineOnly));

        var none = new ConfirmBeforeFilingOptions { Channels = "" };
        Assert.Empty(none.Parsed()!);
        Assert.False(ConfirmBeforeFiling.Applies(Catalog.Get("abandoned-vehicle"), Channel.Hotline, InGrid, none));

        Assert.Null(new ConfirmBeforeFilingOptions { Channels = "Hotline,Patrol" }.Parsed());
        Assert.Null(new ConfirmBeforeFilingOptions { Channels = "Visit" }.Parsed());
        Assert.Null(new ConfirmBeforeFilingOptions { Channels = "Fax" }.Parsed());
        Assert.Null(new ConfirmBeforeFilingOptions { Channels = "0" }.Parsed());
    }

    [Fact]
    public void A_catalog_with_a_bad_confirm_limit_is_refused_naming_it()
    {
        const string json = """
            {
              "escalation": {
                "Emergency": { "community": "00:10:00", "street": "00:10:00", "district": "00:10:00", "city": "00:10:00" },
                "Urgent": { "community": "01:00:00", "street": "01:00:00", "district": "01:00:00", "city": "01:00:00" },
                "Normal": { "community": "01:00:00", "street": "01:00:00", "district": "01:00:00", "city": "01:00:00" },
                "Low": { "community": "01:00:00", "street": "01:00:00", "district": "01:00:00", "city": "01:00:00" }
              },
              "categories": [
                { "code": "zero", "classCode": "1", "nameEn": "Z", "nameZh": "零", "urgency": "Normal", "acceptWithin": "01:00:00", "resolveWithin": "01:00:00", "skill": "x", "owner": "grid", "confirmWithin": "00:00:00" },
                { "code": "fire", "classCode": "2", "nameEn": "F", "nameZh": "火", "urgency": "Emergency", "acceptWithin": "00:05:00", "resolveWithin": "01:00:00", "skill": "x", "owner": "grid", "confirmWithin": "00:10:00" },
                { "code": "fine", "classCode": "3", "nameEn": "G", "nameZh": "好", "urgency": "Low", "acceptWithin": "01:00:00", "resolveWithin": "01:00:00", "skill": "x", "owner": "grid", "confirmWithin": "02:00:00" }
              ]
            }
            """;
        var error = Assert.Throws<InvalidDataException>(() => CategoryCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains("category 'zero' needs a positive confirmWithin", error.Message);
        Assert.Contains("category 'fire' is an emergency: it is filed at once", error.Message);
        Assert.DoesNotContain("'fine'", error.Message);
    }

    [Fact]
    public void A_check_s_fresh_deadline_travels_in_the_journal_and_an_ordinary_dispatch_is_written_as_before()
    {
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));
        var check = new CaseChange(IncidentAction.Reassign, ActorRef.System("grid:G1"), "on-site check", new AssignData(Assignee.Worker("W2"), null, "W1", at.AddHours(4)));
        var (row, written) = CaseEventCodec.Encode("K1", 3, new string('a', 64), check, at);
        Assert.Equal(written, CaseEventCodec.Decode(row));
        Assert.Equal(at.AddHours(4), ((AssignData)CaseEventCodec.Decode(row).Data!).ConfirmDue);

        var dispatch = new CaseChange(IncidentAction.Dispatch, ActorRef.System("grid:G1"), null, new AssignData(Assignee.Worker("W2"), at.AddHours(1)));
        Assert.DoesNotContain("confirmDue", CaseEventCodec.Encode("K1", 3, new string('a', 64), dispatch, at).Entry.Payload, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unconfirmed_report_counts_in_no_rate_and_a_held_one_counts_as_open()
    {
        var reported = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.FromHours(8));
        AssessedCase Case(IncidentStatus status, DateTimeOffset? accepted = null, bool? onTime = null) =>
            new("D1", "S1", "C1", "grid:C1-G1", "abandoned-vehicle", status, reported, accepted, onTime, null, 0);

        var ranked = CaseAssessment.Rank(
            [Case(IncidentStatus.Closed, reported.AddMinutes(10), onTime: true), Case(IncidentStatus.Unconfirmed), Case(IncidentStatus.Unconfirmed),
             Case(IncidentStatus.AwaitingConfirmation)],
            OrgLevel.Community, Catalog, Dispatch.Calendar.CalendarFiles.Shipped(), new AssessmentWeights(0.2, 0.4, 0.4), key => key);

        var unit = Assert.Single(ranked);
        Assert.Equal((2, 1, 0.5, 1), (unit.Cases, unit.Resolved, unit.ResolutionRate!.Value, unit.Open));
    }

    [Fact]
    public void The_figures_count_held_and_unconfirmed_reports_apart_and_neither_as_overdue()
    {
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));
        var placement = new Placement(InGrid, "B1", PlacementMethod.Building, null, null);
        var held = new CaseState
        {
            Id = "K1", Sequence = 2, Hash = "h", Status = IncidentStatus.AwaitingConfirmation, Category = "abandoned-vehicle", Description = "car",
            Channel = Channel.Hotline, Reporters = [], Placement = placement, Tracker = DeskRef.Grid("D1-S1-C1-G01"), ReportedAt = at, UpdatedAt = at,
            ConfirmDue = at.AddHours(4),
        };
        var later = at.AddDays(10);

        var heldFigures = CaseRegisterRules.Figures(held, later);
        Assert.Equal((1, 0, 1, 0L), (heldFigures.Open, heldFigures.Overdue, heldFigures.AwaitingConfirmation, heldFigures.Unconfirmed));

        var ended = CaseRegisterRules.Figures(held with { Status = IncidentStatus.Unconfirmed, ClosedAt = at.AddHours(1) }, later);
        Assert.Equal((0, 0, 0, 1L, 0L), (ended.Open, ended.Overdue, ended.AwaitingConfirmation, ended.Unconfirmed, ended.Closed));
        var rolledUp = heldFigures.Add(ended);
        Assert.Equal((1, 1L), (rolledUp.AwaitingConfirmation, rolledUp.Unconfirmed));
    }
}
