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
        // The resident contests the closure (申诉): back to rework.
        [(IncidentStatus.Closed, Appeal)] = Accepted,
        [(Rated, Appeal)] = Accepted,
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
    [InlineData(Merged)]
    [InlineData(Cancelled)]
    [InlineData(Unconfirmed)]
    public void Ended_cases_accept_no_action_at_all(IncidentStatus ended)
    {
        Assert.DoesNotContain(IncidentStateMachine.Rules, r => r.From == ended);
    }

    [Fact]
    public void A_rated_case_accepts_only_the_residents_appeal()
    {
        Assert.Equal([Appeal], IncidentStateMachine.Rules.Where(r => r.From == Rated).Select(r => r.Action));
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
