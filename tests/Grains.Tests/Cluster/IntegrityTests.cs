using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Tests.Support;

namespace Dispatch.Tests.Cluster;

public sealed class IntegrityTests(DispatchClusterFixture fixture) : IClassFixture<DispatchClusterFixture>
{
    [Fact]
    public async Task A_case_whose_journal_holds_a_row_that_does_not_match_its_hash_is_shown_with_the_problem()
    {
        var grid = fixture.ClaimGrid();
        var registered = await fixture.ReportAt(grid, "sanitation");
        var dispatched = await fixture.IncidentWhen(registered.Id, v => v.Status == IncidentStatus.Dispatched);
        Assert.Null(dispatched.IntegrityProblem);

        // A row slipped into the journal past the recorder: it follows the last row, but its text is not what was hashed.
        var last = (await fixture.Journal.ReadAsync(registered.Id))[^1];
        var (honest, _) = CaseEventCodec.Encode(registered.Id, last.Sequence, last.Hash,
            new CaseChange(IncidentAction.Supervise, ActorRef.Operator("inspector"), "checked on site"), fixture.Time.GetUtcNow());
        Assert.Equal([true], await fixture.Journal.WriteAsync([new JournalAppend([honest with { Reason = "never checked" }])]));

        var view = await fixture.Incident(registered.Id).Get();

        Assert.Equal($"row {honest.Sequence} was changed after it was written (its hash does not match its fields)", view!.IntegrityProblem);
        Assert.Equal("never checked", view.Timeline[^1].Reason);
        Assert.Equal(honest.Sequence, view.Version);
    }
}
