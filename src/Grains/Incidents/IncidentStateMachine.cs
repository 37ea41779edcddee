using System.Collections.Frozen;
using Dispatch.Incidents;

namespace Dispatch.Incidents;

/// <summary>
/// The legal transitions of a case. Anything not in <see cref="Rules"/> is refused. Actions that
/// leave the status as it is (escalate, supervise, note...) are listed with the same status on both sides.
/// The state machine says what is legal; <see cref="CaseFold"/> says what each event does.
/// </summary>
public static class IncidentStateMachine
{
    private static readonly IncidentStatus[] Working = [IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.Accepted];

    private static readonly IncidentStatus[] Open =
        [IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.Accepted, IncidentStatus.Resolved, IncidentStatus.Verified, IncidentStatus.Parked,
         IncidentStatus.AwaitingConfirmation];

    /// <summary>Every legal (from, action) → to.</summary>
    public static IReadOnlyList<(IncidentStatus From, IncidentAction Action, IncidentStatus To)> Rules { get; } = BuildRules();

    private static readonly FrozenDictionary<(IncidentStatus, IncidentAction), IncidentStatus> Table =
        Rules.ToFrozenDictionary(r => (r.From, r.Action), r => r.To);

    public static bool TryNext(IncidentStatus from, IncidentAction action, out IncidentStatus to) =>
        Table.TryGetValue((from, action), out to);

    public static bool IsLegal(IncidentStatus from, IncidentAction action) => Table.ContainsKey((from, action));

    private static List<(IncidentStatus, IncidentAction, IncidentStatus)> BuildRules()
    {
        var rules = new List<(IncidentStatus, IncidentAction, IncidentStatus)>
        {
            (IncidentStatus.Reported, IncidentAction.Register, IncidentStatus.Registered),
            (IncidentStatus.Registered, IncidentAction.Dispatch, IncidentStatus.Dispatched),
            (IncidentStatus.Dispatched, IncidentAction.Reassign, IncidentStatus.Dispatched),
            (IncidentStatus.Accepted, IncidentAction.Reassign, IncidentStatus.Dispatched),
            (IncidentStatus.Dispatched, IncidentAction.Accept, IncidentStatus.Accepted),
            (IncidentStatus.Dispatched, IncidentAction.Reject, IncidentStatus.Registered),
            (IncidentStatus.Dispatched, IncidentAction.Recall, IncidentStatus.Registered),
            (IncidentStatus.Accepted, IncidentAction.Resolve, IncidentStatus.Resolved),
            (IncidentStatus.Resolved, IncidentAction.Verify, IncidentStatus.Verified),
            (IncidentStatus.Resolved, IncidentAction.FailVerification, IncidentStatus.Accepted),
            (IncidentStatus.Verified, IncidentAction.Close, IncidentStatus.Closed),
            (IncidentStatus.Closed, IncidentAction.Rate, IncidentStatus.Rated),
            (IncidentStatus.Registered, IncidentAction.Merge, IncidentStatus.Merged),
            (IncidentStatus.Dispatched, IncidentAction.Merge, IncidentStatus.Merged),

            // An operator merges a case being worked into the case it repeats, and separates a wrongly
            // merged one again (拆分): it is registered anew and its desk takes it in as a new case.
            (IncidentStatus.Accepted, IncidentAction.Merge, IncidentStatus.Merged),
            (IncidentStatus.Merged, IncidentAction.Unmerge, IncidentStatus.Registered),
            (IncidentStatus.Accepted, IncidentAction.Note, IncidentStatus.Accepted),
            (IncidentStatus.Registered, IncidentAction.Acknowledge, IncidentStatus.Registered),

            // A move to another grid's desk (a new territory version): a case nobody has accepted goes
            // back to the new desk's queue; one being worked or checked keeps its status.
            (IncidentStatus.Registered, IncidentAction.Move, IncidentStatus.Registered),
            (IncidentStatus.Dispatched, IncidentAction.Move, IncidentStatus.Registered),
            (IncidentStatus.Accepted, IncidentAction.Move, IncidentStatus.Accepted),
            (IncidentStatus.Resolved, IncidentAction.Move, IncidentStatus.Resolved),
            (IncidentStatus.Verified, IncidentAction.Move, IncidentStatus.Verified),

            // Not ours (回退): back to the dispatching level's queue, before or after signing for it;
            // the dispatching level routes it on while nobody has accepted it there.
            (IncidentStatus.Registered, IncidentAction.Return, IncidentStatus.Registered),
            (IncidentStatus.Dispatched, IncidentAction.Return, IncidentStatus.Registered),
            (IncidentStatus.Accepted, IncidentAction.Return, IncidentStatus.Registered),
            (IncidentStatus.Registered, IncidentAction.Route, IncidentStatus.Registered),
            (IncidentStatus.Dispatched, IncidentAction.Route, IncidentStatus.Registered),

            // Parking (挂账): an accepted case that cannot be solved now waits for its review, clocks
            // stopped; at its review it is unparked or parked again with a new date. A parked case may
            // still move or be withdrawn.
            (IncidentStatus.Accepted, IncidentAction.Park, IncidentStatus.Parked),
            (IncidentStatus.Parked, IncidentAction.Unpark, IncidentStatus.Accepted),
            (IncidentStatus.Parked, IncidentAction.Move, IncidentStatus.Parked),
            (IncidentStatus.Parked, IncidentAction.Cancel, IncidentStatus.Cancelled),
            (IncidentStatus.Parked, IncidentAction.ReviewDue, IncidentStatus.Parked),
            (IncidentStatus.Parked, IncidentAction.Park, IncidentStatus.Parked),
            (IncidentStatus.Parked, IncidentAction.Contact, IncidentStatus.Parked),

            // The resident contests the closure (申诉), rated or not: back to the handler for rework.
            (IncidentStatus.Closed, IncidentAction.Appeal, IncidentStatus.Accepted),
            (IncidentStatus.Rated, IncidentAction.Appeal, IncidentStatus.Accepted),

            // Confirm before filing (核实): held, the grid gives the check to a worker (and on to another
            // when the deadline passes, or back to its queue); confirmed, it is filed (立案) as a new case
            // would be; not confirmed, it ends. It may merge into a filed case of the same problem, move
            // with its grid, be withdrawn, and the community hears when the check is late.
            (IncidentStatus.Reported, IncidentAction.HoldForConfirmation, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Dispatch, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Reassign, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Recall, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Acknowledge, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Register, IncidentStatus.Registered),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.FailConfirmation, IncidentStatus.Unconfirmed),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Merge, IncidentStatus.Merged),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Move, IncidentStatus.AwaitingConfirmation),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Cancel, IncidentStatus.Cancelled),
            (IncidentStatus.AwaitingConfirmation, IncidentAction.Notify, IncidentStatus.AwaitingConfirmation),
        };

        // Extensions (延期) while the case waits for a result: asked for by whoever has it, decided above.
        foreach (var status in (IncidentStatus[])[IncidentStatus.Dispatched, IncidentStatus.Accepted])
        {
            rules.Add((status, IncidentAction.RequestExtension, status));
            rules.Add((status, IncidentAction.ApproveExtension, status));
            rules.Add((status, IncidentAction.RefuseExtension, status));
        }

        // Co-units (协办) are named while the lead still works the case, and their part deadlines run
        // then; parts come in, or go back, until the lead reports its result (also while it is parked).
        foreach (var status in Working)
        {
            rules.Add((status, IncidentAction.AddCoUnit, status));
            rules.Add((status, IncidentAction.PartOverdue, status));
        }

        foreach (var status in (IncidentStatus[])[.. Working, IncidentStatus.Parked])
        {
            rules.Add((status, IncidentAction.ReportPart, status));
            rules.Add((status, IncidentAction.HandBackPart, status));
        }

        foreach (var status in Working)
        {
            rules.Add((status, IncidentAction.Cancel, IncidentStatus.Cancelled));
            rules.Add((status, IncidentAction.Escalate, status));
            rules.Add((status, IncidentAction.Notify, status));
            rules.Add((status, IncidentAction.Contact, status));
            rules.Add((status, IncidentAction.ContactMissed, status));
        }

        foreach (var status in Open)
        {
            rules.Add((status, IncidentAction.Supervise, status));
            rules.Add((status, IncidentAction.Notice, status));
            if (status != IncidentStatus.Verified)
            {
                rules.Add((status, IncidentAction.AddReporter, status));
            }
        }

        // The primary's side of an unmerge is bookkeeping (who called, which cases repeat it) and is
        // recorded whatever became of the primary meanwhile, ended or not.
        foreach (var status in Enum.GetValues<IncidentStatus>().Where(s => s != IncidentStatus.Reported))
        {
            rules.Add((status, IncidentAction.SeparateDuplicate, status));
        }

        return rules;
    }
}
