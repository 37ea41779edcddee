using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using static Dispatch.Testing.Polling;

namespace Dispatch.Tests.Cluster;

/// <summary>
/// Merging by an operator (并案), separating a wrong merge (拆分), and the desk merging reports located by
/// coordinates by distance. These tests move the domain clock, so they have a cluster of their own.
/// </summary>
public sealed class MergeTests(MergeTests.Cluster fixture) : IClassFixture<MergeTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture;

    private static readonly ActorRef Operator = ActorRef.Operator("duty-officer");

    /// <summary>About 1.11 m of latitude per 0.00001 degree.</summary>
    private const double MetresPerDegreeLatitude = 111_195;

    private async Task<IncidentView> Delivered(TestGrid grid, string category, int building = 0, string reporter = "Resident Wang")
    {
        var report = await fixture.ReportAt(grid, category, building, reporter: reporter);
        return await fixture.IncidentWhen(report.Id, v => v.Delivered);
    }

    private Task<IncidentView> ReportedAt(TestGrid grid, double metresNorth, string category = "sanitation", string reporter = "Resident Wang") =>
        fixture.Report(category, new ReportedLocation(null, grid.Inside.Longitude, grid.Inside.Latitude + (metresNorth / MetresPerDegreeLatitude), null), reporter: reporter);

    [Fact]
    public async Task An_operator_merges_an_accepted_case_into_the_case_it_repeats_its_callers_follow_and_its_deadlines_stop()
    {
        var grid = fixture.ClaimGrid();
        var primary = await Delivered(grid, "sanitation", building: 0, reporter: "Resident Li");
        var duplicate = await Delivered(grid, "sanitation", building: 1, reporter: "Resident Zhao");
        Assert.NotEqual(IncidentStatus.Merged, duplicate.Status);
        // A third caller about the second building, merged there by the desk: they must follow it.
        var third = await fixture.ReportAt(grid, "sanitation", building: 1, reporter: "Resident Sun");
        await fixture.IncidentWhen(third.Id, v => v.Status == IncidentStatus.Merged);
        var worker = ActorRef.Worker(duplicate.Assignee!.WorkerId!);
        await fixture.Incident(duplicate.Id).Accept(worker);

        var merged = await fixture.Incident(duplicate.Id).Merge(Operator, primary.Id, "the same bins: the caller counts the door of building 1");

        Assert.Equal(IncidentStatus.Merged, merged.Status);
        Assert.Equal(primary.Id, merged.MergedInto);
        Assert.Null(merged.Assignee);
        Assert.Equal((Operator.ToString(), IncidentStatus.Accepted), (merged.Timeline[^1].Actor, merged.Timeline[^1].From));
        var withCallers = (await fixture.Incident(primary.Id).Get())!;
        Assert.Equal(["Resident Li", "Resident Zhao", "Resident Sun"], withCallers.Reporters.Select(r => r.Name));
        Assert.Equal([duplicate.Id], withCallers.Duplicates);
        Assert.All(withCallers.Timeline.Where(t => t.Action == IncidentAction.AddReporter), t => Assert.Equal(Operator.ToString(), t.Actor));

        await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.OpenCases.All(c => c.IncidentId != duplicate.Id), "the grid to let the merged case go");
        Assert.DoesNotContain(await fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetAssignments(worker.Id), c => c.IncidentId == duplicate.Id);

        // Past both resolve deadlines: the primary escalates, the merged case does not.
        fixture.Advance(merged.ResolveDue!.Value - fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        await fixture.IncidentWhen(primary.Id, v => v.Escalations.Count == 1);
        var after = (await fixture.Incident(duplicate.Id).Get())!;
        Assert.Empty(after.Escalations);
        Assert.Equal(merged.Version, after.Version);
    }

    [Fact]
    public async Task A_merge_that_cannot_be_is_refused_and_changes_nothing()
    {
        var grid = fixture.ClaimGrid();
        var primary = await Delivered(grid, "noise", building: 0);
        var other = await Delivered(grid, "noise", building: 1);
        var cancelled = await Delivered(grid, "property", building: 1);
        await fixture.Incident(cancelled.Id).Cancel(Operator, "withdrawn by the caller");
        var repeat = await fixture.ReportAt(grid, "noise", building: 0);
        var autoMerged = await fixture.IncidentWhen(repeat.Id, v => v.Status == IncidentStatus.Merged);

        async Task<string> RefusedField(string into, string reason = "same noise") =>
            (await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(other.Id).Merge(Operator, into, reason))).Field;

        Assert.Equal("into", await RefusedField(other.Id));
        Assert.Equal("into", await RefusedField(" "));
        Assert.Equal("into", await RefusedField("20261123-000000000000"));
        Assert.Equal("into", await RefusedField(cancelled.Id));
        Assert.Equal("into", await RefusedField(autoMerged.Id));
        Assert.Contains(primary.Id, (await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Incident(other.Id).Merge(Operator, autoMerged.Id, "x"))).Message, StringComparison.Ordinal);
        Assert.Equal("reason", await RefusedField(primary.Id, " "));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(cancelled.Id).Merge(Operator, primary.Id, "same noise"));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(autoMerged.Id).Merge(Operator, other.Id, "same noise"));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(other.Id).Unmerge(Operator, "never merged"));

        Assert.Equal(other.Version, (await fixture.Incident(other.Id).Get())!.Version);
        var unchanged = (await fixture.Incident(primary.Id).Get())!;
        Assert.Equal([autoMerged.Id], unchanged.Duplicates);
        Assert.Equal(2, unchanged.Reporters.Count);
        Assert.Equal(IncidentStatus.Cancelled, (await fixture.Incident(cancelled.Id).Get())!.Status);
    }

    [Fact]
    public async Task An_operator_may_merge_a_report_filed_under_another_category_and_the_primary_says_so()
    {
        var grid = fixture.ClaimGrid();
        var primary = await Delivered(grid, "property", building: 0, reporter: "Resident Li");
        var misfiled = await Delivered(grid, "sanitation", building: 0, reporter: "Resident Zhao");

        var merged = await fixture.Incident(misfiled.Id).Merge(Operator, primary.Id, "the 'rubbish' is the lift's broken door panel");

        Assert.Equal((IncidentStatus.Merged, primary.Id), (merged.Status, merged.MergedInto));
        var line = (await fixture.Incident(primary.Id).Get())!.Timeline.Single(t => t.Action == IncidentAction.AddReporter);
        Assert.Contains("its category sanitation, this case's property", line.Reason, StringComparison.Ordinal);
        Assert.Contains("broken door panel", line.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unmerged_case_comes_back_is_dispatched_as_a_new_case_and_is_not_merged_into_its_old_primary_again()
    {
        var grid = fixture.ClaimGrid();
        var primary = await Delivered(grid, "sanitation", reporter: "Resident Li");
        var second = await fixture.ReportAt(grid, "sanitation", reporter: "Resident Zhao");
        var merged = await fixture.IncidentWhen(second.Id, v => v.Status == IncidentStatus.Merged);
        Assert.Equal(primary.Id, merged.MergedInto);

        var unmerged = await fixture.Incident(second.Id).Unmerge(Operator, "another heap, at the back gate");

        Assert.Equal(IncidentStatus.Registered, unmerged.Status);
        Assert.Null(unmerged.MergedInto);
        Assert.Equal([primary.Id], unmerged.SeparatedFrom);
        Assert.True(unmerged.ResolveDue > fixture.Time.GetUtcNow());
        Assert.Equal((IncidentAction.Unmerge, Operator.ToString()), (unmerged.Timeline[^1].Action, unmerged.Timeline[^1].Actor));
        var dispatched = await fixture.IncidentWhen(second.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.NotNull(dispatched.Assignee?.WorkerId);
        Assert.DoesNotContain(dispatched.Timeline.SkipWhile(t => t.Action != IncidentAction.Unmerge), t => t.Action == IncidentAction.Merge);

        var separated = (await fixture.Incident(primary.Id).Get())!;
        Assert.Empty(separated.Duplicates);
        Assert.Equal(["Resident Li"], separated.Reporters.Select(r => r.Name));
        var line = separated.Timeline.Single(t => t.Action == IncidentAction.SeparateDuplicate);
        Assert.Equal(Operator.ToString(), line.Actor);
        Assert.Contains(second.Id, line.Reason, StringComparison.Ordinal);

        var desk = await Eventually(() => fixture.Grains.GetGrain<IGridGrain>(grid.Id).GetDesk(),
            d => d!.OpenCases.Count(c => c.IncidentId == primary.Id || c.IncidentId == second.Id) == 2, "the grid to list both cases");
        Assert.Contains(desk!.Notices, n => n.IncidentId == second.Id && n.Text.StartsWith("unmerged by", StringComparison.Ordinal));
        await Eventually(() => fixture.Statistics(DeskRef.Grid(grid.Id)), s => s.Merged == 0 && s.Open == 2, "the register to count it open again");

        // Merged again by an operator, it can be separated again: only the callers it brought leave.
        await fixture.Incident(second.Id).Merge(Operator, primary.Id, "after all, the same heap");
        Assert.Equal(["Resident Li", "Resident Zhao"], (await fixture.Incident(primary.Id).Get())!.Reporters.Select(r => r.Name));
        await fixture.Incident(second.Id).Unmerge(Operator, "no: two heaps after all");
        Assert.Equal(["Resident Li"], (await fixture.Incident(primary.Id).Get())!.Reporters.Select(r => r.Name));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => fixture.Incident(second.Id).Unmerge(Operator, "again"));
    }

    [Fact]
    public async Task Reports_located_by_coordinates_merge_within_the_radius_and_not_beyond()
    {
        var grid = fixture.ClaimGrid();
        var first = await ReportedAt(grid, 0, reporter: "Resident Li");
        await fixture.IncidentWhen(first.Id, v => v.Delivered);

        var near = await ReportedAt(grid, 20, reporter: "Resident Zhao");
        var far = await ReportedAt(grid, 200, reporter: "Resident Sun");

        var merged = await fixture.IncidentWhen(near.Id, v => v.Delivered);
        Assert.Equal((IncidentStatus.Merged, first.Id), (merged.Status, merged.MergedInto));
        Assert.Contains("within 50 m", merged.Timeline[^1].Reason, StringComparison.Ordinal);
        Assert.NotEqual(IncidentStatus.Merged, (await fixture.IncidentWhen(far.Id, v => v.Delivered)).Status);
        Assert.Equal(["Resident Li", "Resident Zhao"], (await fixture.Incident(first.Id).Get())!.Reporters.Select(r => r.Name));

        // Another category at the same spot is another problem.
        var noise = await ReportedAt(grid, 10, category: "noise");
        Assert.NotEqual(IncidentStatus.Merged, (await fixture.IncidentWhen(noise.Id, v => v.Delivered)).Status);
    }

    [Fact]
    public async Task A_phone_position_next_to_a_building_with_an_open_case_merges_into_it()
    {
        var grid = fixture.ClaimGrid();
        var atBuilding = await Delivered(grid, "sanitation", building: 0);
        var building = grid.Buildings[0];

        var phone = await fixture.Report("sanitation", new ReportedLocation(null, building.Longitude, building.Latitude + (30 / MetresPerDegreeLatitude), null));

        var merged = await fixture.IncidentWhen(phone.Id, v => v.Delivered);
        Assert.Equal((IncidentStatus.Merged, atBuilding.Id), (merged.Status, merged.MergedInto));
    }
}

/// <summary>The merge radius is a setting: with 300 m, reports 200 m apart are one case.</summary>
public sealed class MergeRadiusSettingTests(MergeRadiusSettingTests.Cluster fixture) : IClassFixture<MergeRadiusSettingTests.Cluster>
{
    public sealed class Cluster : DispatchClusterFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Dispatch:MergeRadiusMeters", "300")];
    }

    [Fact]
    public async Task Reports_200_m_apart_merge_when_the_radius_is_300_m()
    {
        var grid = fixture.ClaimGrid();
        var (lon, lat) = grid.Inside;
        var first = await fixture.Report("sanitation", new ReportedLocation(null, lon, lat, null));
        await fixture.IncidentWhen(first.Id, v => v.Delivered);

        var second = await fixture.Report("sanitation", new ReportedLocation(null, lon, lat + (200 / 111_195.0), null));

        var merged = await fixture.IncidentWhen(second.Id, v => v.Delivered);
        Assert.Equal((IncidentStatus.Merged, first.Id), (merged.Status, merged.MergedInto));
        Assert.Contains("within 300 m", merged.Timeline[^1].Reason, StringComparison.Ordinal);
    }
}
