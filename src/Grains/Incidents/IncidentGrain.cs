using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Dispatch.Incidents;

/// <summary>
/// One case, keyed by its case number: registers reports and records what people do to the case.
/// It keeps no state of its own: its events are in the journal, and what it holds in memory is their
/// fold. The desk that tracks the case records what the desk and the clock do straight into the same
/// journal, so this grain need not be active for a case to be dispatched or escalated; the journal's
/// (case, sequence) key makes the two writers take turns, and whoever was behind reads and decides again.
/// Cases are rarely touched for long, so an idle case leaves memory after a few minutes; a new case
/// activates on the silo whose intake registered it, so registering crosses no silo.
/// </summary>
[GrainType("incident")]
[CollectionAgeLimit(Minutes = 3)]
[PreferLocalPlacement]
public sealed partial class IncidentGrain(
    CaseRecorder recorder,
    FeedOutbox feed,
    CategoryCatalog catalog,
    DispatchTime time,
    Calendar.CityCalendar calendar,
    Microsoft.Extensions.Options.IOptions<DispatchOptions> options,
    ICaseDeliveryPublisher publisher,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain
{
    /// <summary>The case's events; null until read from the journal.</summary>
    private List<CaseEvent>? _events;
    private CaseState? _state;
    private string? _integrityProblem;

    private string Id => this.GetPrimaryKeyString();

    private ICaseJournal Journal => recorder.Journal;

    public async Task<IncidentView> Register(RegisterIncident command)
    {
        var category = catalog.TryGet(command.Category, out var c) ? c
            : throw new ValidationFailedException("category", $"'{command.Category}' is not a category of the catalog.");
        CaseText.Require("description", command.Description);

        // A new case number is the usual case: record it at once, and the journal refuses if it is taken.
        if (_events is null && await TryRecord(Registration(command, category)) is { } recorded)
        {
            await Deliver();
            return View();
        }

        await CatchUp();
        if (_state is null)
        {
            var retried = await TryRecord(Registration(command, category))
                ?? throw new StorageUnavailableException($"Case {Id} is being written by someone else; try again.");
            await Deliver();
            return View();
        }

        // A resubmission: make sure the first attempt's delivery is still on its way.
        if (!_state.Delivered && _state.IsOpen)
        {
            await Deliver();
        }

        return View();
    }

    public async Task<IncidentView?> Get()
    {
        await CatchUp();
        return _state is null ? null : View();
    }

    public Task OnDeskEvents(IReadOnlyList<CaseEvent> events)
    {
        if (_events is null || _state is null)
        {
            // Woken only for this: nothing to keep up to date, and no reason to stay.
            DeactivateOnIdle();
            return Task.CompletedTask;
        }

        foreach (var e in events.OrderBy(e => e.Sequence))
        {
            if (e.Sequence == _state.Sequence + 1)
            {
                _state = CaseFold.Apply(_state, e);
                _events.Add(e);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IncidentView> Accept(ActorRef actor) =>
        Act(s =>
        {
            RequireAssignee(s, actor);
            return new CaseChange(IncidentAction.Accept, actor);
        });

    public Task<IncidentView> Reject(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(s =>
        {
            RequireAssignee(s, actor);
            return new CaseChange(IncidentAction.Reject, actor, text, NoticeFor: s.Tracker);
        });
    }

    public Task<IncidentView> AddNote(ActorRef actor, string note)
    {
        var text = CaseText.Require("note", note);
        return Act(s =>
        {
            RequireAssignee(s, actor);
            return new CaseChange(IncidentAction.Note, actor, text);
        });
    }

    public Task<IncidentView> Resolve(ActorRef actor, string result)
    {
        var text = CaseText.Require("result", result);
        return Act(s =>
        {
            RequireAssignee(s, actor);
            if (IncidentStateMachine.IsLegal(s.Status, IncidentAction.Resolve) && s.OutstandingParts.Any())
            {
                // The lead closes (主办牵头): only once every co-unit's part is in.
                throw new IllegalTransitionException(Id, $"waiting for the co-units' parts ({string.Join(", ", s.OutstandingParts.Select(p => p.Department))})",
                    "report the case resolved");
            }

            return new CaseChange(IncidentAction.Resolve, actor, text);
        });
    }

    public Task<IncidentView> Contact(ActorRef actor, string note)
    {
        var text = CaseText.Require("note", note);
        return Act(s =>
        {
            RequireAssignee(s, actor);
            var stage = s.ContactedAt is not null || s.ContactDue is not { } due ? ""
                : s.ContactMissed ? " (after the first-contact deadline)" : $" (first contact, due {due:u})";
            return new CaseChange(IncidentAction.Contact, actor, text + stage);
        });
    }

    public Task<IncidentView> AddCoUnits(ActorRef actor, IReadOnlyList<string>? departments, string task)
    {
        var text = CaseText.Require("task", task);
        if (departments is not { Count: > 0 })
        {
            throw new ValidationFailedException("departments", "Name one or more departments of the catalog as co-units, e.g. [\"water\"].");
        }

        var named = new List<string>();
        foreach (var given in departments)
        {
            var code = given?.Trim() ?? "";
            if (!catalog.TryGetDepartment(code, out _))
            {
                throw new ValidationFailedException("departments", $"'{given}' is not a department of the catalog.");
            }

            if (named.Contains(code))
            {
                throw new ValidationFailedException("departments", $"'{code}' is named twice.");
            }

            named.Add(code);
        }

        return Act(s =>
        {
            if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.AddCoUnit))
            {
                throw new IllegalTransitionException(Id, s.Status.ToString(), "name co-units");
            }

            foreach (var code in named)
            {
                if (s.Tracker == DeskRef.Department(code))
                {
                    throw new ValidationFailedException("departments", $"'{code}' holds the case: it is the lead (主办), not a co-unit.");
                }

                if (s.CoUnits.Any(p => p.Department == code))
                {
                    throw new ValidationFailedException("departments", $"'{code}' is already a co-unit of this case.");
                }
            }

            var due = IncidentDeadlines.ResolveDue(catalog.Get(s.Category), time.Now, calendar.Current);
            return named.Select(code => new CaseChange(IncidentAction.AddCoUnit, actor,
                $"co-unit (协办) {code} for the lead {s.Tracker}, part due {due:u}: {text}",
                new CoUnitData(code, text, due), DeskRef.Department(code))).ToArray();
        });
    }

    public Task<IncidentView> ReportPart(ActorRef actor, string department, string result)
    {
        var text = CaseText.Require("result", result);
        return Act(s => new CaseChange(IncidentAction.ReportPart, actor, text, new PartData(RequireOutstandingPart(s, actor, department, "report its part").Department), s.Tracker));
    }

    public Task<IncidentView> HandBackPart(ActorRef actor, string department, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(s => new CaseChange(IncidentAction.HandBackPart, actor, $"not its own: {text}",
            new PartData(RequireOutstandingPart(s, actor, department, "hand back its part").Department), s.Tracker));
    }

    /// <summary>The co-unit's part that still waits, when the case is at a stage where parts come in.</summary>
    private CoUnitPart RequireOutstandingPart(CaseState s, ActorRef actor, string department, string action)
    {
        if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.ReportPart))
        {
            throw new IllegalTransitionException(Id, s.Status.ToString(), action);
        }

        if (actor.Role == ActorRole.Worker)
        {
            throw new NotPermittedException("A grid worker does not act for a department's part.");
        }

        var part = s.CoUnits.FirstOrDefault(p => p.Department == department)
            ?? throw new NotPermittedException($"Department '{department}' is not a co-unit of incident '{Id}'.");
        return part.IsOutstanding
            ? part
            : throw new IllegalTransitionException(Id, $"{part.Status.ToString().ToLowerInvariant()} by {part.Department} on {part.ReportedAt:u}", action);
    }

    public async Task<IncidentView> Return(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        var view = await Act(s =>
        {
            RequireAssignee(s, actor);
            var to = ReturnRouting.Destination(s);
            var why = to.Fallback ? $"returned by {to.From}, to {to.To} as fallback (兜底): {text}" : $"returned by {to.From} to {to.To}: {text}";
            return new CaseChange(IncidentAction.Return, actor, why, to, to.To);
        });
        await Deliver();
        return view;
    }

    public async Task<IncidentView> Route(ActorRef actor, string to, string reason)
    {
        var text = CaseText.Require("reason", reason);
        if (!DeskRef.TryParse(CaseText.Require("to", to), out var target))
        {
            throw new ValidationFailedException("to", $"'{to}' is not a desk such as 'grid:D01-S01-C01-G01', 'department:gas' or 'district:D01'.");
        }

        await RequireDeskExists(target);
        var view = await Act(s =>
        {
            if (s.ReturnedBy.Contains(target))
            {
                throw new ValidationFailedException("to", $"{target} returned this case as not its own: route it to another desk.");
            }

            if (target.Level == OrgLevel.Department && s.CoUnits.Any(p => p.Department == target.Id))
            {
                // A lead that is also a co-unit would wait for its own part.
                throw new ValidationFailedException("to", $"{target} is a co-unit of this case (协办), not the lead it could become.");
            }

            if (target == s.Tracker && !s.AwaitingRoute)
            {
                throw new ValidationFailedException("to", $"{target} already holds this case.");
            }

            if (target.Level is not (OrgLevel.Grid or OrgLevel.Department) && s.Placement.Path.IdAt(target.Level) != target.Id)
            {
                throw new ValidationFailedException("to", $"{target} does not hold the case's place ({s.Placement.Path.LowestDesk}).");
            }

            return new CaseChange(IncidentAction.Route, actor, $"from {s.Tracker} to {target}: {text}", new RouteData(s.Tracker, target), target);
        });
        await Deliver();
        return view;
    }

    /// <summary>A route target must be a desk that exists now: a grid of the current map, a department of the catalog, an area on the case's path.</summary>
    private async Task RequireDeskExists(DeskRef target)
    {
        var exists = target.Level switch
        {
            OrgLevel.Grid => await GrainFactory.GetGrain<IGridGrain>(target.Id).GetDesk() is { RetiredAt: null },
            OrgLevel.Department => catalog.TryGetDepartment(target.Id, out _),
            _ => true,
        };
        if (!exists)
        {
            throw new ValidationFailedException("to", $"There is no desk {target}.");
        }
    }

    public Task<IncidentView> RequestExtension(ActorRef actor, DateTimeOffset newDue, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(s =>
        {
            RequireAssignee(s, actor);
            var now = time.Now;
            if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.RequestExtension))
            {
                throw new IllegalTransitionException(Id, s.Status.ToString(), "request an extension");
            }

            if (s.ExtensionAskedFor is { } pending)
            {
                throw new IllegalTransitionException(Id, $"waiting for a decision on an extension to {pending:u}", "request another extension");
            }

            if (s.ResolveDue is not { } due || due <= now || s.Escalations.Count > 0)
            {
                throw new IllegalTransitionException(Id, $"past its resolve deadline {s.ResolveDue:u}", "request an extension (ask before the deadline)");
            }

            if (newDue <= due)
            {
                throw new ValidationFailedException("newDue", $"The new deadline must be later than the current one, {due:u}.");
            }

            return new CaseChange(IncidentAction.RequestExtension, actor, $"to {newDue:u}: {text}", new ExtensionData(newDue), s.Tracker);
        });
    }

    public Task<IncidentView> DecideExtension(ActorRef actor, bool approved, string? reason)
    {
        var text = approved ? CaseText.Optional("reason", reason) : CaseText.Require("reason", reason);
        return Act(s =>
        {
            if (s.ExtensionAskedFor is not { } asked)
            {
                throw new IllegalTransitionException(Id, $"{s.Status} with no extension request pending", approved ? "approve an extension" : "refuse an extension");
            }

            return approved
                ? new CaseChange(IncidentAction.ApproveExtension, actor, $"resolve deadline moved to {asked:u}" + (text is null ? "" : $": {text}"))
                : new CaseChange(IncidentAction.RefuseExtension, actor, $"extension to {asked:u} refused: {text}");
        });
    }

    public Task<IncidentView> Park(ActorRef actor, DateTimeOffset reviewOn, string reason)
    {
        var text = CaseText.Require("reason", reason);
        if (reviewOn <= time.Now)
        {
            throw new ValidationFailedException("reviewOn", "The review date must be in the future.");
        }

        return Act(_ => new CaseChange(IncidentAction.Park, actor, $"parked until {reviewOn:u}: {text}", new ParkData(reviewOn)));
    }

    public Task<IncidentView> Unpark(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(s =>
        {
            var category = catalog.Get(s.Category);
            var now = time.Now;
            return new CaseChange(IncidentAction.Unpark, actor, text, new UnparkData(
                IncidentDeadlines.ResolveDue(category, now, calendar.Current),
                s.Escalations.Count == 0 ? null : IncidentDeadlines.NextEscalationDue(catalog, category, s.Escalations[^1].Desk.Level, now)));
        });
    }

    public Task<IncidentView> Appeal(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(s =>
        {
            var now = time.Now;
            var window = TimeSpan.FromDays(options.Value.AppealWindowDays);
            if (s.ClosedAt is { } closed && IncidentStateMachine.IsLegal(s.Status, IncidentAction.Appeal) && now > closed + window)
            {
                throw new IllegalTransitionException(Id, $"closed on {closed:u}, more than {options.Value.AppealWindowDays} days ago", "appeal");
            }

            var category = catalog.Get(s.Category);
            return new CaseChange(IncidentAction.Appeal, actor, text, new ReworkData(
                IncidentDeadlines.ResolveDue(category, now, calendar.Current),
                s.Escalations.Count == 0 ? null : IncidentDeadlines.NextEscalationDue(catalog, category, s.Escalations[^1].Desk.Level, now)));
        });
    }

    public Task<IncidentView> Verify(ActorRef actor, bool passed, string? reason)
    {
        // A failed check must say why; a passed one may.
        var text = passed ? CaseText.Optional("reason", reason) : CaseText.Require("reason", reason);
        return Act(s =>
        {
            if (passed)
            {
                return new CaseChange(IncidentAction.Verify, actor, text);
            }

            var category = catalog.Get(s.Category);
            var now = time.Now;
            return new CaseChange(IncidentAction.FailVerification, actor, text, new ReworkData(
                IncidentDeadlines.ResolveDue(category, now, calendar.Current),
                s.Escalations.Count == 0 ? null : IncidentDeadlines.NextEscalationDue(catalog, category, s.Escalations[^1].Desk.Level, now)));
        });
    }

    public Task<IncidentView> Close(ActorRef actor, string? reason)
    {
        var text = CaseText.Optional("reason", reason);
        return Act(_ => new CaseChange(IncidentAction.Close, actor, text));
    }

    public Task<IncidentView> Rate(ActorRef actor, int score, string? comment)
    {
        if (score is < 1 or > 5)
        {
            throw new ValidationFailedException("score", "A rating is 1 (very dissatisfied) to 5 (very satisfied).");
        }

        var reason = CaseText.Optional("comment", comment) is { } text ? $"{score}/5: {text}" : $"{score}/5";
        return Act(_ => new CaseChange(IncidentAction.Rate, actor, reason, new RateData(score)));
    }

    public async Task<IncidentView> Confirm(ActorRef actor, bool confirmed, string? note)
    {
        // Nothing found must say what the worker saw; a confirmation may.
        var text = confirmed ? CaseText.Optional("note", note) : CaseText.Require("note", note);
        var view = await Act(s =>
        {
            RequireAssignee(s, actor);
            if (s.Status != IncidentStatus.AwaitingConfirmation)
            {
                throw new IllegalTransitionException(Id, s.Status.ToString(), confirmed ? "confirm" : "report as not confirmed");
            }

            if (!confirmed)
            {
                return [new CaseChange(IncidentAction.FailConfirmation, actor, text)];
            }

            var category = catalog.Get(s.Category);
            var now = time.Now;
            var filing = ConfirmBeforeFiling.Filing(s, category, actor, $"confirmed on site by {actor}" + (text is null ? "" : $": {text}"), now, calendar.Current);

            // The worker who confirmed it is there: a case of the grid stays with them (they sign for it
            // next, as for any dispatch); one the access list gives to another desk goes there to be taken in.
            return actor.Role == ActorRole.Worker && filing.Data is RegisterData { Tracker: var tracker } && tracker == s.Tracker
                ? [filing, new CaseChange(IncidentAction.Dispatch, actor, $"to {actor.Id}: confirmed it on site",
                    new AssignData(Assignee.Worker(actor.Id), IncidentDeadlines.AcceptDue(category, now, calendar.Current)))]
                : [filing];
        });

        if (_state is { IsOpen: true, Delivered: false })
        {
            await Deliver();
        }

        return view;
    }

    public Task<IncidentView> Cancel(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        return Act(_ => new CaseChange(IncidentAction.Cancel, actor, text));
    }

    public Task<IncidentView> Supervise(ActorRef actor, string note)
    {
        var text = CaseText.Require("note", note);
        return Act(_ => new CaseChange(IncidentAction.Supervise, actor, text));
    }

    public async Task<IncidentView> Merge(ActorRef actor, string into, string reason)
    {
        var text = CaseText.Require("reason", reason);
        var primaryId = CaseText.Require("into", into);
        if (primaryId == Id)
        {
            throw new ValidationFailedException("into", "A case cannot be merged into itself.");
        }

        if (!IncidentIds.IsWellFormed(primaryId))
        {
            throw new ValidationFailedException("into", $"There is no case '{primaryId}'.");
        }

        await CatchUp();
        RequireMergeable(_state ?? throw new NotFoundException("incident", Id));

        // The primary first: it may refuse (ended, merged itself...), and this grain, which takes no
        // other call meanwhile, can still record the merge afterwards (only the desk writes beside it,
        // and nothing the desk does to an unfinished case makes a merge illegal).
        var primary = GrainFactory.GetGrain<IIncidentGrain>(primaryId);
        await primary.TakeDuplicate(actor, Id, _state!.Category, _state.Reporters, text);
        try
        {
            return await Act(s =>
            {
                RequireMergeable(s);
                return new CaseChange(IncidentAction.Merge, actor, $"duplicate of {primaryId}: {text}", new MergeData(primaryId), s.Tracker);
            });
        }
        catch (DispatchException)
        {
            await primary.SeparateDuplicate(actor, Id, "the merge could not be recorded on the duplicate");
            throw;
        }
    }

    public async Task<IncidentView> TakeDuplicate(ActorRef actor, string duplicateId, string category, IReadOnlyList<Reporter> reporters, string reason)
    {
        // The desk records duplicates on the case without telling this grain: read them before deciding.
        await CatchUp();

        if (_state is null)
        {
            throw new ValidationFailedException("into", $"There is no case '{Id}'.");
        }

        return await Act(s =>
        {
            if (s.MergedInto is { } itsPrimary)
            {
                throw new ValidationFailedException("into", $"Case {Id} was itself merged into {itsPrimary}: merge into {itsPrimary} instead.");
            }

            if (s.Channel == Channel.Visit)
            {
                throw new ValidationFailedException("into", $"Case {Id} is a visit of a grid's visit plan: reports are not merged into visits.");
            }

            if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.AddReporter))
            {
                throw new ValidationFailedException("into", $"Case {Id} is {s.Status}: merge only into a case that is open and not yet verified.");
            }

            if (s.Duplicates.Contains(duplicateId))
            {
                return [];
            }

            var across = string.Equals(category, s.Category, StringComparison.OrdinalIgnoreCase) ? "" : $" (its category {category}, this case's {s.Category})";
            return reporters
                .Select(r => new CaseChange(IncidentAction.AddReporter, actor, $"duplicate {duplicateId} merged in{across}: {reason}", new ReporterData(r, duplicateId)))
                .ToArray();
        });
    }

    public async Task<IncidentView> Unmerge(ActorRef actor, string reason)
    {
        var text = CaseText.Require("reason", reason);
        await CatchUp();
        var state = _state ?? throw new NotFoundException("incident", Id);
        if (state.Status != IncidentStatus.Merged || state.MergedInto is not { } primaryId)
        {
            throw new IllegalTransitionException(Id, state.Status.ToString(), "unmerge (only a merged case can be separated)");
        }

        // The primary lets go first: should that fail, this case is still merged and nothing is half done.
        await GrainFactory.GetGrain<IIncidentGrain>(primaryId).SeparateDuplicate(actor, Id, text);
        var view = await Act(s =>
        {
            if (s.MergedInto != primaryId)
            {
                throw new IllegalTransitionException(Id, s.Status.ToString(), "unmerge");
            }

            var category = catalog.Get(s.Category);
            var now = time.Now;
            return new CaseChange(IncidentAction.Unmerge, actor, $"separated from {primaryId}: {text}", new UnmergeData(
                primaryId,
                IncidentDeadlines.ResolveDue(category, now, calendar.Current),
                s.Escalations.Count == 0 ? null : IncidentDeadlines.NextEscalationDue(catalog, category, s.Escalations[^1].Desk.Level, now)), s.Tracker);
        });
        await Deliver();
        return view;
    }

    public async Task<IncidentView> SeparateDuplicate(ActorRef actor, string duplicateId, string reason)
    {
        // The desk records duplicates on the case without telling this grain: read them before deciding.
        await CatchUp();
        return await Act(s =>
        {
            if (!s.Duplicates.Contains(duplicateId))
            {
                return [];
            }

            var leaving = CaseFold.ReportersBroughtBy(_events!, duplicateId);
            return [new CaseChange(IncidentAction.SeparateDuplicate, actor,
                $"duplicate {duplicateId} separated, with {leaving.Count} caller(s) it brought: {reason}", new DuplicateSeparatedData(duplicateId, leaving))];
        });
    }

    /// <summary>A case may be merged while nobody has reported a result on it; a visit of the plan never is.</summary>
    private void RequireMergeable(CaseState s)
    {
        if (s.Channel == Channel.Visit)
        {
            throw new IllegalTransitionException(Id, "a visit of a grid's visit plan", "merge");
        }

        if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.Merge))
        {
            throw new IllegalTransitionException(Id, s.Status.ToString(), "merge");
        }
    }

    /// <summary>The report and its registration — or, for a report confirmed on site first, its hold for the check: two events in one append.</summary>
    private CaseChange[] Registration(RegisterIncident command, CategoryDefinition category)
    {
        var now = time.Now;
        var actor = ActorRef.Parse(command.Actor);
        var located = $"located by {command.Placement.Method.ToString().ToLowerInvariant()} to {command.Placement.Path.LowestDesk}";
        var report = new CaseChange(IncidentAction.Report, actor, $"{command.Channel} report: {category.NameEn} / {category.NameZh}",
            new ReportData(category.Code, command.Description.Trim(), command.Channel, command.Reporter, command.Placement, command.MediaUrl));
        if (ConfirmBeforeFiling.Applies(category, command.Channel, command.Placement.Path, options.Value.ConfirmBeforeFiling))
        {
            var grid = DeskRef.Grid(command.Placement.Path.GridId!);
            var due = IncidentDeadlines.ConfirmDue(category, now, calendar.Current);
            return
            [
                report,
                new CaseChange(IncidentAction.HoldForConfirmation, actor,
                    $"{located}; {command.Channel} reports of '{category.Code}' are confirmed on site (核实) by {grid} by {due:u} before filing",
                    new ConfirmationData(grid, due)),
            ];
        }

        var filed = ConfirmBeforeFiling.Filed(category, command.Channel, command.Placement.Path, now, calendar.Current);
        return [report, new CaseChange(IncidentAction.Register, actor, $"{located}; owner {category.Owner}; tracked by {filed.Tracker}", filed)];
    }

    /// <summary>
    /// Records one change that people asked for. It is decided on the case as this grain knows it; if
    /// the desk recorded something meanwhile (the journal refuses, or the state no longer allows it),
    /// the grain reads what it missed and decides again, so the answer always reflects the latest case.
    /// </summary>
    private Task<IncidentView> Act(Func<CaseState, CaseChange> decide) => Act(s => (IReadOnlyList<CaseChange>)[decide(s)]);

    /// <summary>As <see cref="Act(Func{CaseState, CaseChange})"/>, for changes recorded in one append (none: nothing to do).</summary>
    private async Task<IncidentView> Act(Func<CaseState, IReadOnlyList<CaseChange>> decide)
    {
        if (_events is null)
        {
            await CatchUp();
        }

        for (var attempt = 1; ; attempt++)
        {
            var state = _state ?? throw new NotFoundException("incident", Id);
            IReadOnlyList<CaseChange> changes;
            try
            {
                changes = decide(state);
                var status = state.Status;
                foreach (var change in changes)
                {
                    if (!IncidentStateMachine.TryNext(status, change.Type, out var next))
                    {
                        throw new IllegalTransitionException(Id, status.ToString(), change.Type.ToString());
                    }

                    status = next;
                }
            }
            catch (DispatchException) when (attempt == 1)
            {
                // Perhaps refused only because this grain was behind: decide again on the latest case.
                if (await CatchUp())
                {
                    continue;
                }

                throw;
            }

            if (changes.Count == 0)
            {
                return View();
            }

            if (await TryRecord(changes) is { } recorded)
            {
                await TellTracker(recorded);
                return View();
            }

            if (attempt == CaseRecorder.Attempts)
            {
                throw new StorageUnavailableException($"Case {Id} kept changing while this was recorded; try again.");
            }

            await CatchUp();
        }
    }

    private async Task<Recorded?> TryRecord(IReadOnlyList<CaseChange> changes)
    {
        var recorded = await recorder.TryRecord(Id, _state, changes);
        if (recorded is not null)
        {
            (_events ??= []).AddRange(recorded.Events);
            _state = recorded.After;
            recorded.Announce(feed);
        }

        return recorded;
    }

    /// <summary>Reads what the journal holds beyond what this grain has folded; answers whether there was anything.</summary>
    private async Task<bool> CatchUp()
    {
        var rows = await Journal.ReadAsync(Id, _state?.Sequence ?? 0);
        if (_events is null)
        {
            _events = [];
        }

        if (rows.Count == 0)
        {
            return false;
        }

        var problem = JournalChain.Check(rows, _state?.Sequence ?? 0, _state?.Hash ?? "");
        if (problem is not null && _integrityProblem is null)
        {
            _integrityProblem = problem;
            LogBrokenChain(logger, Id, problem);
        }

        foreach (var row in rows)
        {
            try
            {
                var e = CaseEventCodec.Decode(row);
                _state = CaseFold.Apply(_state, e);
                _events.Add(e);
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException)
            {
                // The case stands as far as it can be read; the problem is on its view and in the log.
                _integrityProblem ??= $"row {row.Sequence} cannot be read: {ex.Message}";
                LogBrokenChain(logger, Id, _integrityProblem);
                break;
            }
        }

        return true;
    }

    /// <summary>Tells the tracking desk what changed (one-way): a desk that misses it reads the case the next time it acts on it.</summary>
    private Task TellTracker(Recorded recorded)
    {
        var tracker = recorded.After.Tracker;
        var told = Tell(tracker);
        // A return or a route moved the case: the desk that held it lets it go (and its deadlines).
        return recorded.Before?.Tracker is { } before && before != tracker ? Task.WhenAll(told, Tell(before)) : told;

        Task Tell(DeskRef desk) => desk.Level == OrgLevel.Grid
            ? GrainFactory.GetGrain<IGridGrain>(desk.Id).OnCaseEvents(recorded.Events)
            : GrainFactory.GetGrain<IDeskGrain>(desk.Key).OnCaseEvents(recorded.Events);
    }

    private async Task Deliver()
    {
        var state = _state!;
        using var activity = DispatchTracing.Source.StartActivity("deliver case", System.Diagnostics.ActivityKind.Producer);
        activity?.SetTag("dispatch.case.id", Id);
        activity?.SetTag("dispatch.desk", state.Tracker.Key);
        try
        {
            await publisher.Publish(this.GetStreamProvider(StreamNames.Provider), CaseDelivery.StreamOf(state.Tracker),
                new CaseRouted(Id, _events!.ToArray(), DispatchTracing.CurrentTraceParent()));
        }
        catch (Exception ex)
        {
            // The case is recorded and waits in the open-case index as undelivered: the re-drive publishes it again.
            LogPublishFailed(logger, ex, Id, state.Tracker.Key);
        }
    }

    private IncidentView View() => _state!.ToView(CaseFold.Timeline(_events!), _integrityProblem);

    private void RequireAssignee(CaseState state, ActorRef actor)
    {
        if (actor.Role == ActorRole.Worker && state.Assignee?.WorkerId != actor.Id)
        {
            throw new NotPermittedException($"Incident '{Id}' is not assigned to worker '{actor.Id}'.");
        }
    }

    [LoggerMessage(1002, LogLevel.Warning, "Publishing case {IncidentId} to {Desk} failed; the re-drive will publish it again")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string incidentId, string desk);

    [LoggerMessage(1003, LogLevel.Error, "The journal of case {IncidentId} does not check out: {Problem}")]
    private static partial void LogBrokenChain(ILogger logger, string incidentId, string problem);
}
