using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// What each event does to a case: one pure function from a state and an event to the next state.
/// The state machine (<see cref="IncidentStateMachine"/>) decides what may be recorded; this decides
/// what a recorded event means. Everything that holds a case — its grain, its desk, the register —
/// folds the same events through here, so they cannot disagree.
/// </summary>
public static class CaseFold
{
    /// <summary>The state after <paramref name="e"/>. A history starts with a report (or an imported case).</summary>
    public static CaseState Apply(CaseState? state, CaseEvent e)
    {
        if (state is null)
        {
            return e.Data switch
            {
                ReportData report when e.Type == IncidentAction.Report => Started(e, report),
                ImportData import when e.Type == IncidentAction.Import => Imported(e, import.Case),
                _ => throw new InvalidDataException($"Case {e.CaseId} starts with {e.Type} at sequence {e.Sequence}; a history starts with a report."),
            };
        }

        var to = IncidentStateMachine.TryNext(state.Status, e.Type, out var next) ? next : state.Status;
        var s = state with { Sequence = e.Sequence, Hash = e.Hash, Status = to, UpdatedAt = e.At };
        return e.Type switch
        {
            // Filing (立案) starts the case's handling afresh: a held report's check and its checker are
            // done with, and a desk the filing hands it to has yet to take it in.
            IncidentAction.Register when e.Data is RegisterData r => s with
            {
                Tracker = r.Tracker,
                ResolveDue = r.ResolveDue,
                ContactDue = r.ContactDue,
                FiledAt = e.At,
                ConfirmDue = null,
                Assignee = null,
                AcceptDue = null,
                DispatchedAt = null,
                Delivered = s.Delivered && r.Tracker == s.Tracker,
            },
            IncidentAction.HoldForConfirmation when e.Data is ConfirmationData c => s with { Tracker = c.Tracker, ConfirmDue = c.ConfirmDue },
            IncidentAction.FailConfirmation => s with { ClosedAt = e.At, ConfirmDue = null },
            IncidentAction.Contact => s with { ContactedAt = s.ContactedAt ?? e.At },
            IncidentAction.ContactMissed => s with { ContactMissed = true },
            IncidentAction.ReviewDue when e.Data is ReviewData r => s with { ReviewNoticedFor = r.ReviewOn },
            IncidentAction.Acknowledge => s with { Delivered = true },
            IncidentAction.Dispatch or IncidentAction.Reassign when e.Data is AssignData a => s with
            {
                Assignee = a.To,
                DispatchedAt = e.At,
                AcceptDue = a.AcceptDue,
                ConfirmDue = a.ConfirmDue ?? s.ConfirmDue,
                Delivered = true,
                PassedOver = PassOver(s.PassedOver, a.PassOver),
            },
            IncidentAction.Recall => s with
            {
                Assignee = null,
                AcceptDue = null,
                Delivered = true,
                PassedOver = PassOver(s.PassedOver, (e.Data as RecallData)?.PassOver),
            },
            IncidentAction.Accept => s with { AcceptedAt = s.AcceptedAt ?? e.At, AcceptDue = null },
            IncidentAction.Reject => s with
            {
                // Only the worker's own reject passes them over: an operator taking a case back from
                // a worker says nothing about that worker.
                PassedOver = s.Assignee?.WorkerId is { } worker && e.Actor == ActorRef.Worker(worker).ToString()
                    ? PassOver(s.PassedOver, worker)
                    : s.PassedOver,
                Assignee = null,
                AcceptDue = null,
            },
            IncidentAction.Return when e.Data is ReturnData r => s with
            {
                Tracker = r.To,
                Assignee = null,
                AcceptDue = null,
                Delivered = false,
                ReturnedBy = [.. s.ReturnedBy, r.From],
                AwaitingRoute = !r.Fallback,
                ExtensionAskedFor = null,
            },
            IncidentAction.RequestExtension when e.Data is ExtensionData x => s with { ExtensionAskedFor = x.NewDue },
            IncidentAction.ApproveExtension when s.ExtensionAskedFor is { } due => s with
            {
                ResolveDue = due,
                ExtensionAskedFor = null,
                ExtensionsGranted = s.ExtensionsGranted + 1,
            },
            IncidentAction.RefuseExtension => s with { ExtensionAskedFor = null, ExtensionsRefused = s.ExtensionsRefused + 1 },
            IncidentAction.Park when e.Data is ParkData p => s with
            {
                ReviewOn = p.ReviewOn,
                // Parked again at its review (a new date) is the same parking, not another.
                TimesParked = state.Status == IncidentStatus.Parked ? s.TimesParked : s.TimesParked + 1,
                ExtensionAskedFor = null,
            },
            IncidentAction.Unpark when e.Data is UnparkData u => s with
            {
                ReviewOn = null,
                ResolveDue = u.ResolveDue,
                NextEscalationDue = u.NextEscalationDue,
            },
            IncidentAction.Route when e.Data is RouteData r => s with
            {
                Tracker = r.To,
                Assignee = null,
                AcceptDue = null,
                Delivered = false,
                AwaitingRoute = false,
                ExtensionAskedFor = null,
            },
            IncidentAction.Resolve => s with
            {
                ExtensionAskedFor = null,
                ResolvedAt = e.At,
                ResolvedOnTime = s.ResolveDue is not { } due || e.At <= due,
                NextEscalationDue = null,
            },
            IncidentAction.FailVerification when e.Data is ReworkData w => s with
            {
                ReworkCount = s.ReworkCount + 1,
                ResolvedAt = null,
                ResolvedOnTime = null,
                ResolveDue = w.ResolveDue,
                NextEscalationDue = w.NextEscalationDue,
            },
            IncidentAction.Close => s with { ClosedAt = e.At },
            IncidentAction.Appeal when e.Data is ReworkData w => s with
            {
                Appeals = s.Appeals + 1,
                ReworkCount = s.ReworkCount + 1,
                ClosedAt = null,
                ResolvedAt = null,
                ResolvedOnTime = null,
                ResolveDue = w.ResolveDue,
                NextEscalationDue = w.NextEscalationDue,
            },
            IncidentAction.Rate when e.Data is RateData r => s with { Rating = r.Score },
            IncidentAction.Merge when e.Data is MergeData m => s with { MergedInto = m.PrimaryId, Assignee = null, AcceptDue = null, Delivered = true },
            IncidentAction.Cancel => s with { ClosedAt = e.At, AcceptDue = null, NextEscalationDue = null },
            IncidentAction.Escalate when e.Data is EscalateData x => s with
            {
                Escalations = [.. s.Escalations, new EscalationStep(x.To, e.At, e.Reason ?? "")],
                NextEscalationDue = x.NextEscalationDue,
            },
            IncidentAction.AddReporter when e.Data is ReporterData r => s with
            {
                Reporters = [.. s.Reporters, r.Reporter],
                // A manual merge adds each caller of the duplicate (its own duplicates' too) with its id.
                Duplicates = s.Duplicates.Contains(r.DuplicateId) ? s.Duplicates : [.. s.Duplicates, r.DuplicateId],
            },
            IncidentAction.Unmerge when e.Data is UnmergeData u => s with
            {
                MergedInto = null,
                Assignee = null,
                AcceptDue = null,
                Delivered = false,
                ResolveDue = u.ResolveDue,
                NextEscalationDue = u.NextEscalationDue,
                SeparatedFrom = s.SeparatedFrom.Contains(u.PrimaryId) ? s.SeparatedFrom : [.. s.SeparatedFrom, u.PrimaryId],
            },
            IncidentAction.SeparateDuplicate when e.Data is DuplicateSeparatedData d => s with
            {
                Duplicates = [.. s.Duplicates.Where(id => id != d.DuplicateId)],
                Reporters = Without(s.Reporters, d.Reporters),
            },
            IncidentAction.Notice when e.Data is TopReachedData t => s with { EscalationSpent = t.EscalationDue },
            IncidentAction.Move when e.Data is MoveData m => Moved(s, m),
            IncidentAction.AddCoUnit when e.Data is CoUnitData c => s with
            {
                CoUnits = [.. s.CoUnits, new CoUnitPart(c.Department, c.Task, e.At, c.Due)],
            },
            IncidentAction.ReportPart when e.Data is PartData p => WithPart(s, p.Department, part => part with
            {
                Status = CoUnitPartStatus.Reported,
                Result = e.Reason,
                ReportedAt = e.At,
                ReportedBy = e.Actor,
            }),
            IncidentAction.HandBackPart when e.Data is PartData p => WithPart(s, p.Department, part => part with
            {
                Status = CoUnitPartStatus.HandedBack,
                Result = e.Reason,
                ReportedAt = e.At,
                ReportedBy = e.Actor,
            }),
            IncidentAction.PartOverdue when e.Data is PartData p => WithPart(s, p.Department, part => part with { Overdue = true }),
            _ => s,
        };
    }

    /// <summary>The state after all of <paramref name="events"/>, in order; null for no events.</summary>
    public static CaseState? Replay(IEnumerable<CaseEvent> events)
    {
        CaseState? state = null;
        foreach (var e in events)
        {
            state = Apply(state, e);
        }

        return state;
    }

    /// <summary>The timeline: a line per event with the status before and after it (an imported case's old lines first).</summary>
    public static IReadOnlyList<TimelineEntry> Timeline(IEnumerable<CaseEvent> events)
    {
        var lines = new List<TimelineEntry>();
        CaseState? state = null;
        foreach (var e in events)
        {
            var from = state?.Status ?? IncidentStatus.Reported;
            state = Apply(state, e);
            if (e.Data is ImportData import)
            {
                lines.AddRange(import.Case.Timeline);
            }
            else
            {
                lines.Add(new TimelineEntry(e.At, e.Actor, e.Type, from, state.Status, e.Reason));
            }
        }

        return lines;
    }

    /// <summary>The case as the API shows it; null for no events.</summary>
    public static IncidentView? View(IReadOnlyList<CaseEvent> events, string? integrityProblem = null) =>
        Replay(events)?.ToView(Timeline(events), integrityProblem);

    /// <summary>
    /// Tracked by the new desk at the new place. Back in the queue (nobody had accepted it), it is
    /// undelivered again, so the new desk takes it in as it would a new case (and the re-drive
    /// brings it there should the delivery be lost).
    /// </summary>
    private static CaseState Moved(CaseState s, MoveData m)
    {
        var moved = s with { Tracker = m.To, Placement = s.Placement with { Path = m.Path } };
        return s.Status is IncidentStatus.Registered or IncidentStatus.AwaitingConfirmation
            ? moved with { Assignee = null, AcceptDue = null, Delivered = false }
            : moved;
    }

    private static CaseState Started(CaseEvent e, ReportData report) => new()
    {
        Id = e.CaseId,
        Sequence = e.Sequence,
        Hash = e.Hash,
        Status = IncidentStatus.Reported,
        Category = report.Category,
        Description = report.Description,
        Channel = report.Channel,
        Reporters = [report.Reporter],
        Placement = report.Placement,
        MediaUrl = report.MediaUrl,
        Tracker = report.Placement.Path.LowestDesk,
        ReportedAt = e.At,
        UpdatedAt = e.At,
    };

    private static CaseState Imported(CaseEvent e, IncidentView old) => new()
    {
        Id = e.CaseId,
        Sequence = e.Sequence,
        Hash = e.Hash,
        Status = old.Status,
        Category = old.Category,
        Description = old.Description,
        Channel = old.Channel,
        Reporters = old.Reporters,
        Placement = old.Placement,
        MediaUrl = old.MediaUrl,
        Tracker = old.Tracker,
        Assignee = old.Assignee,
        ReportedAt = old.ReportedAt,
        DispatchedAt = old.DispatchedAt,
        AcceptedAt = old.AcceptedAt,
        ResolvedAt = old.ResolvedAt,
        ClosedAt = old.ClosedAt,
        AcceptDue = old.AcceptDue,
        ResolveDue = old.ResolveDue,
        NextEscalationDue = old.NextEscalationDue,
        Escalations = old.Escalations,
        ReworkCount = old.ReworkCount,
        Rating = old.Rating,
        MergedInto = old.MergedInto,
        Duplicates = old.Duplicates,
        SeparatedFrom = old.SeparatedFrom,
        Delivered = old.Delivered,
        ResolvedOnTime = old.ResolvedOnTime,
        UpdatedAt = old.Timeline.Count == 0 ? old.ReportedAt : old.Timeline[^1].At,
    };

    /// <summary>
    /// The callers a duplicate brought to this case (<see cref="IncidentAction.AddReporter"/> with its id)
    /// since it was last separated from it: the ones that leave with it when it is separated again.
    /// </summary>
    public static IReadOnlyList<Reporter> ReportersBroughtBy(IEnumerable<CaseEvent> events, string duplicateId)
    {
        var brought = new List<Reporter>();
        foreach (var e in events)
        {
            if (e is { Type: IncidentAction.AddReporter, Data: ReporterData r } && r.DuplicateId == duplicateId)
            {
                brought.Add(r.Reporter);
            }
            else if (e is { Type: IncidentAction.SeparateDuplicate, Data: DuplicateSeparatedData d } && d.DuplicateId == duplicateId)
            {
                brought.Clear();
            }
        }

        return brought;
    }

    /// <summary>
    /// <paramref name="reporters"/> less one of each of <paramref name="leaving"/>, taken from the end
    /// (where merges added them); the case's own first caller always stays.
    /// </summary>
    private static List<Reporter> Without(IReadOnlyList<Reporter> reporters, IReadOnlyList<Reporter> leaving)
    {
        var kept = reporters.ToList();
        foreach (var reporter in leaving)
        {
            var at = kept.LastIndexOf(reporter);
            if (at > 0)
            {
                kept.RemoveAt(at);
            }
        }

        return kept;
    }

    private static CaseState WithPart(CaseState s, string department, Func<CoUnitPart, CoUnitPart> change) =>
        s with { CoUnits = s.CoUnits.Select(p => p.Department == department ? change(p) : p).ToArray() };

    private static IReadOnlyList<string> PassOver(IReadOnlyList<string> passedOver, string? worker) =>
        worker is null || passedOver.Contains(worker) ? passedOver : [.. passedOver, worker];
}
