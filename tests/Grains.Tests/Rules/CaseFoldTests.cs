using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using static Dispatch.Incidents.IncidentAction;
using static Dispatch.Incidents.IncidentStatus;

namespace Dispatch.Tests.Rules;

public sealed class CaseFoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly TerritoryPath Place = new("test", "D1", "D1-S1", "D1-S1-C1", "D1-S1-C1-G1");
    private static readonly Placement AtBuilding = new(Place, "B1", PlacementMethod.Building, 100.1, 30.1);
    private static readonly Reporter Resident = new("Resident Wang", "13900000000");
    private static readonly ActorRef Hotline = new(ActorRole.Hotline, "h1");
    private static readonly DeskRef Grid = DeskRef.Grid("D1-S1-C1-G1");
    private static readonly DeskRef Community = new(OrgLevel.Community, "D1-S1-C1");
    private static readonly DeskRef Street = new(OrgLevel.Street, "D1-S1");
    private static readonly DateTimeOffset Due = T0.AddHours(24);

    /// <summary>A case's events, numbered and hashed as the journal does.</summary>
    private sealed class History(string id = "K1")
    {
        public List<CaseEvent> Events { get; } = [];

        public CaseState State => CaseFold.Replay(Events)!;

        public CaseEvent Last => Events[^1];

        public History Add(DateTimeOffset at, IncidentAction type, CaseEventData? data = null, string? reason = null, ActorRef? actor = null)
        {
            var previous = Events.Count == 0 ? null : Events[^1];
            var change = new CaseChange(type, actor ?? ActorRef.System("test"), reason, data);
            Events.Add(CaseEventCodec.Encode(id, previous?.Sequence ?? 0, previous?.Hash ?? "", change, at).Event);
            return this;
        }
    }

    private static History ReportedCase() =>
        new History().Add(T0, Report, new ReportData("sanitation", "bins overflowing", Channel.Hotline, Resident, AtBuilding), "hotline report", Hotline);

    private static History RegisteredCase(DateTimeOffset? resolveDue = null) => ReportedCase().Add(T0, Register, new RegisterData(Grid, resolveDue ?? Due));

    private static History DispatchedCase(string worker = "W1") =>
        RegisteredCase().Add(T0.AddMinutes(5), IncidentAction.Dispatch, new AssignData(Assignee.Worker(worker), T0.AddMinutes(35)));

    private static History AcceptedCase(string worker = "W1") => DispatchedCase(worker).Add(T0.AddMinutes(10), Accept, actor: ActorRef.Worker(worker));

    private static History ResolvedCase(DateTimeOffset? at = null) => AcceptedCase().Add(at ?? T0.AddHours(2), Resolve, reason: "done");

    private static readonly DateTimeOffset ConfirmBy = T0.AddHours(4);

    private static History HeldCase() =>
        ReportedCase().Add(T0, HoldForConfirmation, new ConfirmationData(Grid, ConfirmBy))
            .Add(T0.AddMinutes(1), IncidentAction.Dispatch, new AssignData(Assignee.Worker("W1"), null));

    private static History ClosedCase() => ResolvedCase().Add(T0.AddHours(3), Verify).Add(T0.AddHours(4), Close);

    [Fact]
    public void A_held_report_is_tracked_by_its_grid_with_a_confirm_deadline_and_no_resolve_clock()
    {
        var held = ReportedCase().Add(T0, HoldForConfirmation, new ConfirmationData(Grid, ConfirmBy)).State;

        Assert.Equal((AwaitingConfirmation, Grid, ConfirmBy), (held.Status, held.Tracker, held.ConfirmDue));
        Assert.Null(held.ResolveDue);
        Assert.Null(held.FiledAt);
        Assert.False(held.Delivered);
        Assert.True(held.AwaitsTakeIn);
        Assert.True(held.IsOpen);
        Assert.False(held.IsOverdue(T0.AddDays(30)));
    }

    [Fact]
    public void The_check_given_to_a_worker_needs_no_signature_and_keeps_its_deadline_unless_a_fresh_one_comes_with_it()
    {
        var given = HeldCase().State;
        Assert.Equal((AwaitingConfirmation, "W1", ConfirmBy, true), (given.Status, given.Assignee?.WorkerId, given.ConfirmDue, given.Delivered));
        Assert.Null(given.AcceptDue);

        var fresh = ConfirmBy.AddHours(4);
        var handedOn = HeldCase().Add(ConfirmBy, Reassign, new AssignData(Assignee.Worker("W2"), null, "W1", fresh)).State;
        Assert.Equal(("W2", fresh), (handedOn.Assignee?.WorkerId, handedOn.ConfirmDue));
        Assert.Contains("W1", handedOn.PassedOver);

        var queued = HeldCase().Add(ConfirmBy, Recall, new RecallData("W1")).State;
        Assert.Equal(AwaitingConfirmation, queued.Status);
        Assert.Null(queued.Assignee);
    }

    [Fact]
    public void Confirmed_the_report_is_filed_then_with_its_resolve_clock_from_the_filing()
    {
        var filedAt = T0.AddHours(2);
        var history = HeldCase().Add(filedAt, Register, new RegisterData(Grid, filedAt.AddDays(5)), actor: ActorRef.Worker("W1"));
        var filed = history.State;

        Assert.Equal((IncidentStatus.Registered, filedAt, filedAt.AddDays(5)), (filed.Status, filed.FiledAt, filed.ResolveDue));
        Assert.Null(filed.ConfirmDue);
        Assert.Null(filed.Assignee);
        Assert.Null(filed.DispatchedAt);
        Assert.True(filed.Delivered);

        var dispatched = history.Add(filedAt, IncidentAction.Dispatch, new AssignData(Assignee.Worker("W1"), filedAt.AddHours(4))).State;
        Assert.Equal((Dispatched, "W1", filedAt), (dispatched.Status, dispatched.Assignee?.WorkerId, dispatched.DispatchedAt));

        // Filed to a desk other than the grid (a department on the access list): that desk has yet to take it in.
        var department = DeskRef.Department("urban-management");
        var elsewhere = HeldCase().Add(filedAt, Register, new RegisterData(department, filedAt.AddDays(7))).State;
        Assert.Equal((department, false), (elsewhere.Tracker, elsewhere.Delivered));
        Assert.True(elsewhere.AwaitsTakeIn);
    }

    [Fact]
    public void Not_confirmed_the_report_ends_closed_with_the_worker_s_note_and_is_never_overdue()
    {
        var at = T0.AddHours(1);
        var history = HeldCase().Add(at, FailConfirmation, reason: "no such car in the courtyard", actor: ActorRef.Worker("W1"));
        var ended = history.State;

        Assert.Equal((Unconfirmed, at), (ended.Status, ended.ClosedAt));
        Assert.False(ended.IsOpen);
        Assert.False(ended.IsOverdue(T0.AddDays(30)));
        Assert.Null(ended.ConfirmDue);
        var line = CaseFold.Timeline(history.Events)[^1];
        Assert.Equal((AwaitingConfirmation, Unconfirmed, "no such car in the courtyard"), (line.From, line.To, line.Reason));
    }

    [Fact]
    public void Registration_files_the_case_at_once()
    {
        var s = RegisteredCase().State;
        Assert.Equal(T0, s.FiledAt);
        Assert.Null(s.ConfirmDue);
    }

    [Fact]
    public void A_move_sends_a_case_nobody_accepted_back_to_the_new_desk_s_queue_and_keeps_an_accepted_one_with_its_worker()
    {
        var to = DeskRef.Grid("G9");
        var path = new TerritoryPath("c", "d", "s", "k", "G9");
        var move = new MoveData(Grid, to, path, 7);

        var queued = DispatchedCase().Add(T0.AddMinutes(20), Move, move).State;
        Assert.Equal((IncidentStatus.Registered, to, path, false), (queued.Status, queued.Tracker, queued.Placement.Path, queued.Delivered));
        Assert.Null(queued.Assignee);
        Assert.Null(queued.AcceptDue);

        var accepted = AcceptedCase().Add(T0.AddMinutes(20), Move, move).State;
        Assert.Equal((IncidentStatus.Accepted, to, path, true), (accepted.Status, accepted.Tracker, accepted.Placement.Path, accepted.Delivered));
        Assert.Equal("W1", accepted.Assignee?.WorkerId);
    }

    [Fact]
    public void A_report_starts_a_case_at_its_place_tracked_by_the_lowest_desk_there()
    {
        var history = ReportedCase();
        var s = history.State;

        Assert.Equal("K1", s.Id);
        Assert.Equal(1, s.Sequence);
        Assert.Equal(history.Last.Hash, s.Hash);
        Assert.Equal(IncidentStatus.Reported, s.Status);
        Assert.Equal("sanitation", s.Category);
        Assert.Equal("bins overflowing", s.Description);
        Assert.Equal(Channel.Hotline, s.Channel);
        Assert.Equal([Resident], s.Reporters);
        Assert.Equal(AtBuilding, s.Placement);
        Assert.Equal(Grid, s.Tracker);
        Assert.Equal(T0, s.ReportedAt);
        Assert.Equal(T0, s.UpdatedAt);
        Assert.False(s.Delivered);
        Assert.Null(s.Assignee);
        Assert.Null(s.ResolveDue);
        Assert.Empty(s.Escalations);
    }

    [Fact]
    public void Registration_sets_the_tracking_desk_and_the_resolve_deadline()
    {
        var water = DeskRef.Department("water");
        var history = ReportedCase().Add(T0.AddSeconds(1), Register, new RegisterData(water, Due));
        var s = history.State;

        Assert.Equal(IncidentStatus.Registered, s.Status);
        Assert.Equal(water, s.Tracker);
        Assert.Equal(Due, s.ResolveDue);
        Assert.Equal(Due, s.EscalationDue);
        Assert.Equal(2, s.Sequence);
        Assert.Equal(history.Last.Hash, s.Hash);
        Assert.Equal(T0.AddSeconds(1), s.UpdatedAt);
        Assert.Equal(T0, s.ReportedAt);
    }

    [Fact]
    public void Acknowledging_marks_the_case_taken_in_and_keeps_it_registered()
    {
        var s = RegisteredCase().Add(T0.AddMinutes(1), Acknowledge).State;

        Assert.True(s.Delivered);
        Assert.Equal(IncidentStatus.Registered, s.Status);
        Assert.Null(s.Assignee);
    }

    [Fact]
    public void A_dispatch_gives_the_case_to_its_assignee_with_an_accept_deadline_and_marks_it_taken_in()
    {
        var s = RegisteredCase().Add(T0.AddMinutes(5), IncidentAction.Dispatch, new AssignData(Assignee.Worker("W1"), T0.AddMinutes(35), PassOver: "W0")).State;

        Assert.Equal(Dispatched, s.Status);
        Assert.Equal(Assignee.Worker("W1"), s.Assignee);
        Assert.Equal(T0.AddMinutes(5), s.DispatchedAt);
        Assert.Equal(T0.AddMinutes(35), s.AcceptDue);
        Assert.True(s.Delivered);
        Assert.Equal(["W0"], s.PassedOver);
    }

    [Fact]
    public void A_reassignment_hands_the_case_over_and_passes_the_named_worker_over_once()
    {
        var history = AcceptedCase("W1")
            .Add(T0.AddHours(1), Reassign, new AssignData(Assignee.Worker("W2"), T0.AddHours(1.5), PassOver: "W1"));
        var s = history.State;

        Assert.Equal(Dispatched, s.Status);
        Assert.Equal(Assignee.Worker("W2"), s.Assignee);
        Assert.Equal(T0.AddHours(1), s.DispatchedAt);
        Assert.Equal(T0.AddHours(1.5), s.AcceptDue);
        Assert.Equal(["W1"], s.PassedOver);

        s = history.Add(T0.AddHours(2), Reassign, new AssignData(Assignee.Unit(Community), null, PassOver: "W1")).State;
        Assert.Equal(Assignee.Unit(Community), s.Assignee);
        Assert.Null(s.AcceptDue);
        Assert.Equal(["W1"], s.PassedOver);
    }

    [Fact]
    public void A_recall_returns_the_case_to_its_desk_and_passes_the_named_worker_over()
    {
        var s = DispatchedCase("W1").Add(T0.AddHours(1), Recall, new RecallData("W1")).State;

        Assert.Equal(IncidentStatus.Registered, s.Status);
        Assert.Null(s.Assignee);
        Assert.Null(s.AcceptDue);
        Assert.True(s.Delivered);
        Assert.Equal(["W1"], s.PassedOver);

        Assert.Empty(DispatchedCase("W1").Add(T0.AddHours(1), Recall, new RecallData(null)).State.PassedOver);
    }

    [Fact]
    public void Acceptance_clears_the_accept_deadline_and_the_first_acceptance_time_is_kept()
    {
        var history = AcceptedCase("W1");
        Assert.Equal(IncidentStatus.Accepted, history.State.Status);
        Assert.Equal(T0.AddMinutes(10), history.State.AcceptedAt);
        Assert.Null(history.State.AcceptDue);

        var s = history
            .Add(T0.AddHours(1), Reassign, new AssignData(Assignee.Worker("W2"), T0.AddHours(2)))
            .Add(T0.AddHours(1.5), Accept, actor: ActorRef.Worker("W2"))
            .State;

        Assert.Equal(IncidentStatus.Accepted, s.Status);
        Assert.Equal(T0.AddMinutes(10), s.AcceptedAt);
        Assert.Equal(Assignee.Worker("W2"), s.Assignee);
    }

    [Fact]
    public void A_rejection_passes_the_assignee_over_and_returns_the_case_to_its_desk()
    {
        var s = DispatchedCase("W1").Add(T0.AddMinutes(20), Reject, reason: "not my trade", actor: ActorRef.Worker("W1")).State;

        Assert.Equal(IncidentStatus.Registered, s.Status);
        Assert.Null(s.Assignee);
        Assert.Null(s.AcceptDue);
        Assert.Equal(["W1"], s.PassedOver);
    }

    [Fact]
    public void A_result_is_on_time_when_it_comes_by_the_resolve_deadline_in_force()
    {
        var onTheDot = ResolvedCase(at: Due).State;
        Assert.Equal(IncidentStatus.Resolved, onTheDot.Status);
        Assert.Equal(Due, onTheDot.ResolvedAt);
        Assert.True(onTheDot.ResolvedOnTime);

        Assert.False(ResolvedCase(at: Due.AddTicks(1)).State.ResolvedOnTime);

        var noDeadline = ReportedCase().Add(T0, Register, new RegisterData(Grid, null))
            .Add(T0, IncidentAction.Dispatch, new AssignData(Assignee.Worker("W1"), null))
            .Add(T0, Accept)
            .Add(T0.AddDays(30), Resolve)
            .State;
        Assert.True(noDeadline.ResolvedOnTime);
    }

    [Fact]
    public void A_result_stops_the_escalation_clock()
    {
        var s = AcceptedCase()
            .Add(Due, Escalate, new EscalateData(Community, Due.AddHours(4)))
            .Add(Due.AddHours(1), Resolve)
            .State;

        Assert.Null(s.NextEscalationDue);
        Assert.False(s.ResolvedOnTime);
    }

    [Fact]
    public void Rework_restarts_the_resolve_clock_and_the_final_result_decides_whether_it_was_on_time()
    {
        var fresh = Due.AddHours(24);
        var history = ResolvedCase(at: Due.AddHours(1))
            .Add(Due.AddHours(2), FailVerification, new ReworkData(fresh, Due.AddHours(6)), "still dirty");
        var reworked = history.State;

        Assert.Equal(IncidentStatus.Accepted, reworked.Status);
        Assert.Equal(1, reworked.ReworkCount);
        Assert.Null(reworked.ResolvedAt);
        Assert.Null(reworked.ResolvedOnTime);
        Assert.Equal(fresh, reworked.ResolveDue);
        Assert.Equal(Due.AddHours(6), reworked.NextEscalationDue);

        // Late the first time, on time against the fresh deadline: on time.
        Assert.True(history.Add(fresh, Resolve).State.ResolvedOnTime);

        // On time the first time, late against the fresh deadline: late.
        var lateAfterRework = ResolvedCase(at: T0.AddHours(1))
            .Add(T0.AddHours(2), FailVerification, new ReworkData(T0.AddHours(3), null), "still dirty")
            .Add(T0.AddHours(3).AddTicks(1), Resolve)
            .Add(T0.AddHours(4), FailVerification, new ReworkData(T0.AddHours(9), null), "and again")
            .Add(T0.AddHours(10), Resolve)
            .State;
        Assert.False(lateAfterRework.ResolvedOnTime);
        Assert.Equal(2, lateAfterRework.ReworkCount);
        Assert.Equal(T0.AddHours(10), lateAfterRework.ResolvedAt);
    }

    [Fact]
    public void Verification_closing_and_rating_end_the_case_in_turn()
    {
        var history = ResolvedCase().Add(T0.AddHours(3), Verify);
        Assert.Equal(Verified, history.State.Status);

        history.Add(T0.AddHours(4), Close);
        Assert.Equal(IncidentStatus.Closed, history.State.Status);
        Assert.Equal(T0.AddHours(4), history.State.ClosedAt);

        var rated = history.Add(T0.AddHours(5), Rate, new RateData(4), "4/5").State;
        Assert.Equal(Rated, rated.Status);
        Assert.Equal(4, rated.Rating);
        Assert.Equal(T0.AddHours(4), rated.ClosedAt);
    }

    [Fact]
    public void A_merge_ends_the_case_in_its_primary_and_lets_go_of_the_assignee()
    {
        var s = DispatchedCase("W1").Add(T0.AddMinutes(7), Merge, new MergeData("K0")).State;

        Assert.Equal(Merged, s.Status);
        Assert.Equal("K0", s.MergedInto);
        Assert.Null(s.Assignee);
        Assert.Null(s.AcceptDue);
        Assert.True(s.Delivered);
    }

    [Fact]
    public void A_cancellation_ends_the_case_and_stops_its_clocks()
    {
        var s = DispatchedCase()
            .Add(Due, Escalate, new EscalateData(Community, Due.AddHours(4)))
            .Add(Due.AddHours(1), Cancel, reason: "duplicate call")
            .State;

        Assert.Equal(Cancelled, s.Status);
        Assert.Equal(Due.AddHours(1), s.ClosedAt);
        Assert.Null(s.AcceptDue);
        Assert.Null(s.NextEscalationDue);
        Assert.False(s.IsOpen);
    }

    [Fact]
    public void Each_escalation_appends_a_step_and_sets_when_the_next_one_is_due()
    {
        var history = DispatchedCase().Add(Due, Escalate, new EscalateData(Community, Due.AddHours(4)), "resolve deadline passed");
        var once = history.State;

        Assert.Equal(Dispatched, once.Status);
        Assert.Equal([new EscalationStep(Community, Due, "resolve deadline passed")], once.Escalations);
        Assert.Equal(Due.AddHours(4), once.NextEscalationDue);
        Assert.Equal(Due.AddHours(4), once.EscalationDue);
        Assert.Equal(Due, once.ResolveDue);

        var twice = history.Add(Due.AddHours(4), Escalate, new EscalateData(Street, null)).State;
        Assert.Equal(
            [new EscalationStep(Community, Due, "resolve deadline passed"), new EscalationStep(Street, Due.AddHours(4), "")],
            twice.Escalations);
        Assert.Null(twice.NextEscalationDue);
        Assert.Null(twice.EscalationDue);
        Assert.True(twice.IsOverdue(T0));
    }

    [Fact]
    public void Another_caller_is_added_with_the_duplicate_report_that_brought_them()
    {
        var neighbour = new Reporter("Resident Li", null);
        var s = DispatchedCase().Add(T0.AddMinutes(8), AddReporter, new ReporterData(neighbour, "K7")).State;

        Assert.Equal([Resident, neighbour], s.Reporters);
        Assert.Equal(["K7"], s.Duplicates);
        Assert.Equal(Dispatched, s.Status);
    }

    [Fact]
    public void An_accepted_case_merged_by_an_operator_leaves_its_worker()
    {
        var s = AcceptedCase("W1").Add(T0.AddHours(1), Merge, new MergeData("K0"), "same leak as K0", ActorRef.Operator("duty-officer")).State;

        Assert.Equal(Merged, s.Status);
        Assert.Equal("K0", s.MergedInto);
        Assert.Null(s.Assignee);
        Assert.False(s.IsOpen);
    }

    [Fact]
    public void An_unmerged_case_is_registered_again_undelivered_with_a_fresh_clock_and_remembers_its_old_primary()
    {
        var fresh = T0.AddDays(3);
        var s = DispatchedCase("W1")
            .Add(Due, Escalate, new EscalateData(Community, Due.AddHours(4)))
            .Add(Due.AddHours(1), Merge, new MergeData("K0"))
            .Add(T0.AddDays(2), Unmerge, new UnmergeData("K0", fresh, fresh.AddHours(4)), "not the same leak")
            .State;

        Assert.Equal(IncidentStatus.Registered, s.Status);
        Assert.Null(s.MergedInto);
        Assert.Null(s.Assignee);
        Assert.False(s.Delivered);
        Assert.Equal(fresh, s.ResolveDue);
        Assert.Equal(fresh.AddHours(4), s.EscalationDue);
        Assert.Equal(["K0"], s.SeparatedFrom);
        Assert.True(s.IsOpen);
    }

    [Fact]
    public void A_separated_duplicate_leaves_the_primary_with_the_callers_it_brought_and_the_first_caller_stays()
    {
        var li = new Reporter("Resident Li", null);
        var zhao = new Reporter("Resident Zhao", "13700000000");
        var history = DispatchedCase()
            .Add(T0.AddMinutes(8), AddReporter, new ReporterData(li, "K7"))
            .Add(T0.AddMinutes(9), AddReporter, new ReporterData(zhao, "K8"))
            .Add(T0.AddMinutes(9), AddReporter, new ReporterData(li, "K8"))
            .Add(T0.AddMinutes(9), AddReporter, new ReporterData(Resident, "K8"));
        Assert.Equal(["K7", "K8"], history.State.Duplicates);

        var brought = CaseFold.ReportersBroughtBy(history.Events, "K8");
        Assert.Equal([zhao, li, Resident], brought);
        var s = history.Add(T0.AddHours(1), SeparateDuplicate, new DuplicateSeparatedData("K8", brought)).State;

        Assert.Equal([Resident, li], s.Reporters);
        Assert.Equal(["K7"], s.Duplicates);
        Assert.Equal(Dispatched, s.Status);

        // Merged again later, it brings its callers again; only those leave the next time.
        history.Add(T0.AddHours(2), AddReporter, new ReporterData(zhao, "K8"));
        Assert.Equal([zhao], CaseFold.ReportersBroughtBy(history.Events, "K8"));
    }

    [Fact]
    public void A_notification_above_changes_nothing_but_the_version()
    {
        var history = DispatchedCase();
        var before = history.State;
        var after = CaseFold.Apply(before, history.Add(T0.AddMinutes(6), Notify, new NotifyData(Street), "emergency").Last);

        Assert.Equal(before with { Sequence = 4, Hash = history.Last.Hash, UpdatedAt = T0.AddMinutes(6) }, after);
    }

    [Fact]
    public void A_notice_that_the_top_was_reached_spends_that_escalation_deadline()
    {
        var history = AcceptedCase();
        var plain = history.Add(Due, IncidentAction.Notice, reason: "deadline missed").State;
        Assert.Null(plain.EscalationSpent);
        Assert.Equal(IncidentStatus.Accepted, plain.Status);

        var spent = CaseFold.Apply(plain, history.Add(Due.AddHours(1), IncidentAction.Notice, new TopReachedData(Due), "no level above").Last);
        Assert.Equal(Due, spent.EscalationSpent);
        Assert.Equal(plain with { Sequence = spent.Sequence, Hash = spent.Hash, UpdatedAt = spent.UpdatedAt, EscalationSpent = Due }, spent);
    }

    [Fact]
    public void An_imported_case_becomes_the_state_and_its_old_timeline_comes_before_the_new_lines()
    {
        var old = CaseFold.View(AcceptedCase()
            .Add(Due, Escalate, new EscalateData(Community, Due.AddHours(4)), "resolve deadline passed")
            .Add(Due.AddMinutes(5), AddReporter, new ReporterData(new Reporter("Resident Li", null), "K7"))
            .Events)!;
        var history = new History("K1").Add(T0.AddDays(5), Import, new ImportData(old), "imported");
        var imported = history.State;

        Assert.Equal(1, imported.Sequence);
        Assert.Equal(history.Last.Hash, imported.Hash);
        Assert.Equal(IncidentStatus.Accepted, imported.Status);
        Assert.Equal(old.Reporters, imported.Reporters);
        Assert.Equal(old.Placement, imported.Placement);
        Assert.Equal(Grid, imported.Tracker);
        Assert.Equal(Assignee.Worker("W1"), imported.Assignee);
        Assert.Equal(T0, imported.ReportedAt);
        Assert.Equal(T0.AddMinutes(5), imported.DispatchedAt);
        Assert.Equal(T0.AddMinutes(10), imported.AcceptedAt);
        Assert.Equal(Due, imported.ResolveDue);
        Assert.Equal(Due.AddHours(4), imported.NextEscalationDue);
        Assert.Equal(old.Escalations, imported.Escalations);
        Assert.Equal(["K7"], imported.Duplicates);
        Assert.True(imported.Delivered);
        // Last changed when the old timeline says, not when it was imported.
        Assert.Equal(Due.AddMinutes(5), imported.UpdatedAt);

        history.Add(T0.AddDays(5).AddHours(1), Resolve, reason: "fixed at last");
        var timeline = CaseFold.Timeline(history.Events);
        Assert.Equal([.. old.Timeline, new TimelineEntry(T0.AddDays(5).AddHours(1), "system:test", Resolve, IncidentStatus.Accepted, IncidentStatus.Resolved, "fixed at last")],
            timeline);
        Assert.Equal(2, history.State.Sequence);
        Assert.False(history.State.ResolvedOnTime);
    }

    [Fact]
    public void Co_units_are_listed_with_their_parts_and_each_part_is_reported_handed_back_or_noticed_as_missed_once_named()
    {
        var water = Due.AddHours(2);
        var history = AcceptedCase()
            .Add(T0.AddMinutes(20), AddCoUnit, new CoUnitData("water", "close the main", water), "co-unit water")
            .Add(T0.AddMinutes(20), AddCoUnit, new CoUnitData("housing", "check the stairwell", Due), "co-unit housing");

        var named = history.State;
        Assert.Equal(
            [new CoUnitPart("water", "close the main", T0.AddMinutes(20), water), new CoUnitPart("housing", "check the stairwell", T0.AddMinutes(20), Due)],
            named.CoUnits);
        Assert.Equal(["water", "housing"], named.OutstandingParts.Select(p => p.Department));
        Assert.Equal(Due, named.NextPartDue);
        Assert.Equal(IncidentStatus.Accepted, named.Status);

        var noticed = history.Add(Due.AddMinutes(1), PartOverdue, new PartData("housing")).State;
        Assert.True(noticed.CoUnits[1].Overdue);
        Assert.Equal(water, noticed.NextPartDue);

        var reported = history.Add(Due.AddHours(1), ReportPart, new PartData("water"), "main closed", ActorRef.Operator("water-desk")).State;
        Assert.Equal(new CoUnitPart("water", "close the main", T0.AddMinutes(20), water, CoUnitPartStatus.Reported, "main closed", Due.AddHours(1), "operator:water-desk"),
            reported.CoUnits[0]);
        Assert.Null(reported.NextPartDue);

        var handedBack = history.Add(Due.AddHours(2), HandBackPart, new PartData("housing"), "not its own: a private building").State;
        Assert.Equal((CoUnitPartStatus.HandedBack, "not its own: a private building", true), (handedBack.CoUnits[1].Status, handedBack.CoUnits[1].Result, handedBack.CoUnits[1].Overdue));
        Assert.Empty(handedBack.OutstandingParts);
        Assert.Equal(handedBack.CoUnits, CaseFold.View(history.Events)!.CoUnits);
    }

    [Fact]
    public void A_part_deadline_does_not_run_while_the_case_is_parked()
    {
        var history = AcceptedCase().Add(T0.AddMinutes(20), AddCoUnit, new CoUnitData("water", "close the main", Due));
        Assert.Equal(Due, history.State.NextPartDue);

        Assert.Null(history.Add(T0.AddHours(1), IncidentAction.Park, new ParkData(T0.AddDays(30))).State.NextPartDue);
    }

    [Fact]
    public void A_history_starts_with_a_report_or_an_import()
    {
        var registration = CaseEventCodec.Encode("K1", 0, "", new CaseChange(Register, ActorRef.System("test"), null, new RegisterData(Grid, Due)), T0).Event;
        Assert.Throws<InvalidDataException>(() => CaseFold.Apply(null, registration));

        var reportWithoutItsData = CaseEventCodec.Encode("K1", 0, "", new CaseChange(Report, Hotline), T0).Event;
        Assert.Throws<InvalidDataException>(() => CaseFold.Apply(null, reportWithoutItsData));

        Assert.Null(CaseFold.Replay([]));
        Assert.Null(CaseFold.View([]));
    }

    [Fact]
    public void The_timeline_has_a_line_per_event_with_the_status_before_and_after_it()
    {
        var history = AcceptedCase().Add(T0.AddMinutes(30), Note, reason: "on site").Add(T0.AddHours(1), Resolve, reason: "done");

        var timeline = CaseFold.Timeline(history.Events);

        Assert.Equal(
            [
                (Report, IncidentStatus.Reported, IncidentStatus.Reported),
                (Register, IncidentStatus.Reported, IncidentStatus.Registered),
                (IncidentAction.Dispatch, IncidentStatus.Registered, Dispatched),
                (Accept, Dispatched, IncidentStatus.Accepted),
                (Note, IncidentStatus.Accepted, IncidentStatus.Accepted),
                (Resolve, IncidentStatus.Accepted, IncidentStatus.Resolved),
            ],
            timeline.Select(t => (t.Action, t.From, t.To)));
        Assert.Equal(history.Events.Select(e => (e.At, e.Actor, e.Reason)), timeline.Select(t => (t.At, t.Actor, t.Reason)));
        Assert.Equal("worker:W1", timeline[3].Actor);
        Assert.Equal(timeline, CaseFold.View(history.Events)!.Timeline);
    }

    /// <summary>A case in each status, reached by legal events.</summary>
    private static readonly Dictionary<IncidentStatus, Func<History>> InStatus = new()
    {
        [IncidentStatus.Reported] = ReportedCase,
        [IncidentStatus.Registered] = () => RegisteredCase(),
        [Dispatched] = () => DispatchedCase(),
        [IncidentStatus.Accepted] = () => AcceptedCase(),
        [IncidentStatus.Resolved] = () => ResolvedCase(),
        [Verified] = () => ResolvedCase().Add(T0.AddHours(3), Verify),
        [IncidentStatus.Closed] = ClosedCase,
        [Rated] = () => ClosedCase().Add(T0.AddHours(5), Rate, new RateData(5)),
        [IncidentStatus.Parked] = () => AcceptedCase().Add(T0.AddHours(2), IncidentAction.Park, new ParkData(T0.AddDays(30))),
        [Merged] = () => RegisteredCase().Add(T0.AddMinutes(1), Merge, new MergeData("K0")),
        [Cancelled] = () => RegisteredCase().Add(T0.AddMinutes(1), Cancel, reason: "withdrawn"),
        [AwaitingConfirmation] = () => HeldCase(),
        [Unconfirmed] = () => HeldCase().Add(T0.AddHours(1), FailConfirmation, reason: "no car there", actor: ActorRef.Worker("W1")),
    };

    public static TheoryData<IncidentStatus> EveryStatus() => new(Enum.GetValues<IncidentStatus>());

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Every_event_moves_the_status_as_the_state_machine_says_and_one_it_does_not_allow_leaves_it(IncidentStatus status)
    {
        foreach (var action in Enum.GetValues<IncidentAction>())
        {
            var history = InStatus[status]();
            Assert.Equal(status, history.State.Status);

            var after = history.Add(T0.AddDays(2), action, SampleData(action)).State;

            var expected = IncidentStateMachine.TryNext(status, action, out var next) ? next : status;
            Assert.True(expected == after.Status, $"{action} on a {status} case gave {after.Status}, not {expected}");
            Assert.Equal(history.Last.Sequence, after.Sequence);
        }
    }

    [Fact]
    public void An_event_the_state_machine_does_not_allow_leaves_the_status_unchanged()
    {
        Assert.False(IncidentStateMachine.IsLegal(IncidentStatus.Registered, Resolve));
        Assert.Equal(IncidentStatus.Registered, RegisteredCase().Add(T0.AddHours(1), Resolve).State.Status);

        Assert.False(IncidentStateMachine.IsLegal(IncidentStatus.Closed, Cancel));
        Assert.Equal(IncidentStatus.Closed, ClosedCase().Add(T0.AddHours(5), Cancel, reason: "too late").State.Status);
    }

    [Fact]
    public void The_first_contact_meets_the_stage_and_a_missed_one_stays_missed()
    {
        var registered = ReportedCase().Add(T0, Register, new RegisterData(Grid, Due, ContactDue: T0.AddHours(4)));
        Assert.Equal(T0.AddHours(4), registered.State.ContactDue);
        Assert.Equal(T0.AddHours(4), registered.State.PendingContactDue);

        var contacted = registered.Add(T0.AddHours(1), Contact, reason: "called: will come tomorrow")
            .Add(T0.AddHours(2), Contact, reason: "called again").State;
        Assert.Equal(T0.AddHours(1), contacted.ContactedAt);
        Assert.Null(contacted.PendingContactDue);
        Assert.False(contacted.ContactMissed);

        var missed = ReportedCase().Add(T0, Register, new RegisterData(Grid, Due, ContactDue: T0.AddHours(4)))
            .Add(T0.AddHours(4), ContactMissed).Add(T0.AddHours(5), Contact, reason: "finally reached").State;
        Assert.True(missed.ContactMissed);
        Assert.Equal(T0.AddHours(5), missed.ContactedAt);
        Assert.Null(missed.PendingContactDue);

        // No stage (a patrol report, a category without one): nothing pending, nothing missed.
        Assert.Null(RegisteredCase().State.PendingContactDue);
        // A case that no longer waits for a result has no contact clock.
        Assert.Null(ResolvedCase().State.PendingContactDue);
    }

    [Fact]
    public void A_review_notice_is_given_once_per_review_date_and_parking_again_at_the_review_is_not_counted_again()
    {
        var parked = AcceptedCase().Add(T0.AddHours(2), IncidentAction.Park, new ParkData(T0.AddDays(30)));
        Assert.Equal(T0.AddDays(30), parked.State.PendingReviewOn);

        var noticed = parked.Add(T0.AddDays(30), ReviewDue, new ReviewData(T0.AddDays(30))).State;
        Assert.Equal(T0.AddDays(30), noticed.ReviewNoticedFor);
        Assert.Null(noticed.PendingReviewOn);

        var again = parked.Add(T0.AddDays(30).AddHours(1), IncidentAction.Park, new ParkData(T0.AddDays(60))).State;
        Assert.Equal((IncidentStatus.Parked, 1), (again.Status, again.TimesParked));
        Assert.Equal(T0.AddDays(60), again.PendingReviewOn);

        var unparked = parked.Add(T0.AddDays(61), Unpark, new UnparkData(T0.AddDays(62), null)).State;
        Assert.Null(unparked.PendingReviewOn);
    }

    /// <summary>What each type of event carries in the journal.</summary>
    public static CaseEventData? SampleData(IncidentAction action) => action switch
    {
        Report => new ReportData("sanitation", "bins", Channel.App, Resident, AtBuilding),
        Register => new RegisterData(Grid, Due),
        IncidentAction.Dispatch or Reassign => new AssignData(Assignee.Worker("W9"), T0.AddHours(1), "W1"),
        Recall => new RecallData("W1"),
        Escalate => new EscalateData(Community, Due.AddHours(4)),
        FailVerification or Appeal => new ReworkData(Due.AddDays(1), null),
        Rate => new RateData(3),
        Merge => new MergeData("K0"),
        AddReporter => new ReporterData(new Reporter("Resident Li", null), "K7"),
        Notify => new NotifyData(Street),
        IncidentAction.Notice => new TopReachedData(Due),
        Import => new ImportData(CaseFold.View(RegisteredCase().Events)!),
        Move => new MoveData(DeskRef.Grid("G1"), DeskRef.Grid("G2"), new TerritoryPath("c", "d", "s", "k", "G2"), 3),
        Return => new ReturnData(Grid, Community, Fallback: false),
        Route => new RouteData(Community, DeskRef.Grid("G2")),
        RequestExtension => new ExtensionData(Due.AddDays(3)),
        Park => new ParkData(Due.AddDays(30)),
        Unpark => new UnparkData(Due.AddDays(31), null),
        Unmerge => new UnmergeData("K0", Due.AddDays(1), null),
        SeparateDuplicate => new DuplicateSeparatedData("K7", [new Reporter("Resident Li", null)]),
        ReviewDue => new ReviewData(Due.AddDays(30)),
        AddCoUnit => new CoUnitData("water", "close the valve", Due),
        ReportPart or HandBackPart or PartOverdue => new PartData("water"),
        HoldForConfirmation => new ConfirmationData(Grid, T0.AddHours(4)),
        _ => null,
    };
}
