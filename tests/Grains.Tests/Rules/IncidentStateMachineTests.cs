using Dispatch.Incidents;
using static Dispatch.Incidents.IncidentAction;
using static Dispatch.Incidents.IncidentStatus;

namespace Dispatch.Tests.Rules;

public sealed class IncidentStateMachineTests
{
    /// <summary>The lifecycle as the domain describes it, written out independently of the implementation.</summary>
    private static readonly Dictionary<(IncidentStatus, IncidentAction), IncidentStatus> Expected = new()
    {
        [(Reported, Register)] = Registered,
        [(Registered, IncidentAction.Dispatch)] = Dispatched,
        [(Dispatched, Accept)] = Accepted,
        [(Dispatched, Reject)] = Registered,
        [(Dispatched, Recall)] = Registered,
        [(Dispatched, Reassign)] = Dispatched,
        [(Accepted, Reassign)] = Dispatched,
        [(Accepted, Note)] = Accepted,
        [(Accepted, Resolve)] = Resolved,
        [(Resolved, Verify)] = Verified,
        [(Resolved, FailVerification)] = Accepted,
        [(Verified, Close)] = Closed,
        [(Closed, Rate)] = Rated,
        [(Registered, Merge)] = Merged,
        [(Dispatched, Merge)] = Merged,
        // An operator merges a case being worked, and separates a wrongly merged one (拆分): registered anew.
        [(Accepted, Merge)] = Merged,
        [(Merged, Unmerge)] = Registered,
        [(Registered, Cancel)] = Cancelled,
        [(Dispatched, Cancel)] = Cancelled,
        [(Accepted, Cancel)] = Cancelled,
        [(Registered, Escalate)] = Registered,
        [(Dispatched, Escalate)] = Dispatched,
        [(Accepted, Escalate)] = Accepted,
        [(Registered, Supervise)] = Registered,
        [(Dispatched, Supervise)] = Dispatched,
        [(Accepted, Supervise)] = Accepted,
        [(Resolved, Supervise)] = Resolved,
        [(Verified, Supervise)] = Verified,
        [(Registered, IncidentAction.Notice)] = Registered,
        [(Dispatched, IncidentAction.Notice)] = Dispatched,
        [(Accepted, IncidentAction.Notice)] = Accepted,
        [(Resolved, IncidentAction.Notice)] = Resolved,
        [(Verified, IncidentAction.Notice)] = Verified,
        [(Registered, AddReporter)] = Registered,
        [(Dispatched, AddReporter)] = Dispatched,
        [(Accepted, AddReporter)] = Accepted,
        [(Resolved, AddReporter)] = Resolved,
        [(Registered, Acknowledge)] = Registered,
        [(Registered, Notify)] = Registered,
        [(Dispatched, Notify)] = Dispatched,
        [(Accepted, Notify)] = Accepted,
        // A new territory version moves a case to another grid: back to the queue unless someone accepted it.
        [(Registered, Move)] = Registered,
        [(Dispatched, Move)] = Registered,
        [(Accepted, Move)] = Accepted,
        [(Resolved, Move)] = Resolved,
        [(Verified, Move)] = Verified,
        // Not ours (回退): back to the dispatching level, which routes it on while nobody has accepted it.
        [(Registered, Return)] = Registered,
        [(Dispatched, Return)] = Registered,
        [(Accepted, Return)] = Registered,
        [(Registered, Route)] = Registered,
        [(Dispatched, Route)] = Registered,
        // Extensions while the case is with its handler.
        [(Dispatched, RequestExtension)] = Dispatched,
        [(Accepted, RequestExtension)] = Accepted,
        [(Dispatched, ApproveExtension)] = Dispatched,
        [(Accepted, ApproveExtension)] = Accepted,
        [(Dispatched, RefuseExtension)] = Dispatched,
        [(Accepted, RefuseExtension)] = Accepted,
        // Parking (挂账): out of the flow until reviewed.
        [(Accepted, Park)] = Parked,
        [(Parked, Unpark)] = Accepted,
        [(Parked, Move)] = Parked,
        [(Parked, Cancel)] = Cancelled,
        [(Parked, Supervise)] = Parked,
        [(Parked, IncidentAction.Notice)] = Parked,
        [(Parked, AddReporter)] = Parked,
        // At its review a parked case is listed, and may be parked again with a new date.
        [(Parked, ReviewDue)] = Parked,
        [(Parked, Park)] = Parked,
        // Reaching the resident (联系) while the case is worked or parked; the first-contact clock while worked.
        [(Registered, Contact)] = Registered,
        [(Dispatched, Contact)] = Dispatched,
        [(Accepted, Contact)] = Accepted,
        [(Parked, Contact)] = Parked,
        [(Registered, ContactMissed)] = Registered,
        [(Dispatched, ContactMissed)] = Dispatched,
        [(Accepted, ContactMissed)] = Accepted,
        // Co-units (协办): named while the lead works the case; their parts come in (also while parked),
        // and a missed part deadline is noticed while the case waits for a result.
        [(Registered, AddCoUnit)] = Registered,
        [(Dispatched, AddCoUnit)] = Dispatched,
        [(Accepted, AddCoUnit)] = Accepted,
        [(Registered, ReportPart)] = Registered,
        [(Dispatched, ReportPart)] = Dispatched,
        [(Accepted, ReportPart)] = Accepted,
        [(Parked, ReportPart)] = Parked,
        [(Registered, HandBackPart)] = Registered,
        [(Dispatched, HandBackPart)] = Dispatched,
        [(Accepted, HandBackPart)] = Accepted,
        [(Parked, HandBackPart)] = Parked,
        [(Registered, PartOverdue)] = Registered,
        [(Dispatched, PartOverdue)] = Dispatched,
        [(Accepted, PartOverdue)] = Accepted,
        // The resident contests the closure (申诉): back to rework.
        [(IncidentStatus.Closed, Appeal)] = Accepted,
        [(Rated, Appeal)] = Accepted,
        // The primary's side of an unmerge: bookkeeping, whatever became of the primary.
        [(Registered, SeparateDuplicate)] = Registered,
        [(Dispatched, SeparateDuplicate)] = Dispatched,
        [(Accepted, SeparateDuplicate)] = Accepted,
        [(Resolved, SeparateDuplicate)] = Resolved,
        [(Verified, SeparateDuplicate)] = Verified,
        [(IncidentStatus.Closed, SeparateDuplicate)] = IncidentStatus.Closed,
        [(Rated, SeparateDuplicate)] = Rated,
        [(Parked, SeparateDuplicate)] = Parked,
        [(Merged, SeparateDuplicate)] = Merged,
        [(Cancelled, SeparateDuplicate)] = Cancelled,
        [(AwaitingConfirmation, SeparateDuplicate)] = AwaitingConfirmation,
        [(Unconfirmed, SeparateDuplicate)] = Unconfirmed,
        // Confirm before filing (核实): held for a worker's check, then filed or ended unconfirmed.
        [(Reported, HoldForConfirmation)] = AwaitingConfirmation,
        [(AwaitingConfirmation, IncidentAction.Dispatch)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Reassign)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Recall)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Acknowledge)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Register)] = Registered,
        [(AwaitingConfirmation, FailConfirmation)] = Unconfirmed,
        [(AwaitingConfirmation, Merge)] = Merged,
        [(AwaitingConfirmation, Move)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Cancel)] = Cancelled,
        [(AwaitingConfirmation, Notify)] = AwaitingConfirmation,
        [(AwaitingConfirmation, Supervise)] = AwaitingConfirmation,
        [(AwaitingConfirmation, IncidentAction.Notice)] = AwaitingConfirmation,
        [(AwaitingConfirmation, AddReporter)] = AwaitingConfirmation,
    };

    public static TheoryData<IncidentStatus, IncidentAction> EveryPair()
    {
        var data = new TheoryData<IncidentStatus, IncidentAction>();
        foreach (var status in Enum.GetValues<IncidentStatus>())
        {
            foreach (var action in Enum.GetValues<IncidentAction>())
            {
                data.Add(status, action);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_status_and_action_is_legal_exactly_as_the_lifecycle_says(IncidentStatus from, IncidentAction action)
    {
        var legal = IncidentStateMachine.TryNext(from, action, out var to);

        if (Expected.TryGetValue((from, action), out var expected))
        {
            Assert.True(legal, $"{action} from {from} should be legal");
            Assert.Equal(expected, to);
        }
        else
        {
            Assert.False(legal, $"{action} from {from} should be refused, but leads to {to}");
        }
    }

    [Theory]
    [InlineData(Cancelled)]
    [InlineData(Unconfirmed)]
    public void An_ended_case_accepts_nothing_but_losing_a_duplicate_and_a_merged_one_only_being_separated(IncidentStatus ended)
    {
        Assert.Equal([SeparateDuplicate], IncidentStateMachine.Rules.Where(r => r.From == ended).Select(r => r.Action));
        Assert.Equal([Unmerge, SeparateDuplicate], IncidentStateMachine.Rules.Where(r => r.From == Merged).Select(r => r.Action));
    }

    [Fact]
    public void A_rated_case_accepts_only_the_residents_appeal()
    {
        Assert.Equal([Appeal, SeparateDuplicate], IncidentStateMachine.Rules.Where(r => r.From == Rated).Select(r => r.Action));
    }

    [Fact]
    public void The_happy_path_runs_from_reported_to_rated()
    {
        IncidentAction[] path = [Register, IncidentAction.Dispatch, Accept, Resolve, Verify, Close, Rate];
        var status = Reported;
        foreach (var action in path)
        {
            Assert.True(IncidentStateMachine.TryNext(status, action, out status), $"{action} refused");
        }

        Assert.Equal(Rated, status);
    }

    [Fact]
    public void A_held_report_is_open_but_has_no_resolve_clock_and_an_unconfirmed_one_is_closed()
    {
        Assert.True(AwaitingConfirmation.IsOpen());
        Assert.False(AwaitingConfirmation.IsAwaitingResult());
        Assert.False(Unconfirmed.IsOpen());
        Assert.False(Unconfirmed.IsAwaitingResult());
    }
}
