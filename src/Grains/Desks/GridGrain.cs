using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Dispatch.Workforce;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dispatch.Desks;

/// <summary>A worker on a grid's roster as the territory set them up; their duty now comes from the journal.</summary>
[GenerateSerializer, Alias("Dispatch.RosterMember")]
public sealed record RosterMember(
    [property: Id(0)] WorkerProfile Profile,
    [property: Id(1)] bool OnDuty);

/// <summary>
/// What a grid keeps as grain state: its roster, and whether it was retired. Its place is the map's
/// (<see cref="ITerritoryGrain.GetGridSetup"/>), its cases and duty are in the journal.
/// </summary>
[GenerateSerializer, Alias("Dispatch.GridState")]
public sealed class GridState
{
    /// <summary>The place the grid had when it was retired (grids stored before the map held their place keep their last one).</summary>
    [Id(0)] public GridSetup? Setup { get; set; }
    [Id(1)] public Dictionary<string, RosterMember> Roster { get; set; } = [];

    /// <summary>The territory version that no longer has this grid, or null while it exists.</summary>
    /// <remarks>Id 20, not 2: ids 2 and up were the desk's book before the case journal, and grids
    /// stored then still carry them (read and ignored).</remarks>
    [Id(20)] public int? RetiredAt { get; set; }
}

/// <summary>
/// The grid leader's desk. Takes cases in from the grid's delivery stream (implicit subscription),
/// merges duplicates, gives each to an on-duty skilled worker by least load, re-dispatches on reject
/// and on a missed sign-for deadline, and escalates when the resolve clock runs out. It writes no book
/// of its own: its open cases, the workers' loads and the deadlines are rebuilt from the journal
/// when it activates, and every change it makes is an event on the case.
/// </summary>
[GrainType("grid")]
[Reentrant]
[ImplicitStreamSubscription(StreamNames.GridCases)]
public sealed partial class GridGrain(
    [PersistentState("grid")] IPersistentState<GridState> state,
    CaseRecorder recorder,
    FeedOutbox feed,
    ICaseRegister register,
    CategoryCatalog catalog,
    DispatchTime time,
    Calendar.CityCalendar calendar,
    IOptions<DispatchOptions> options,
    ICaseDeliveryPublisher publisher,
    ILogger<GridGrain> logger) : Grain, IGridGrain, IDeskPolicy, IStreamSubscriptionObserver, IRemindable
{
    private CaseDesk _desk = null!;
    private readonly Dictionary<string, bool> _onDuty = new(StringComparer.Ordinal);

    /// <summary>When each worker was last given a case (ticks, kept increasing): the rotation among equally loaded workers.</summary>
    private readonly Dictionary<string, long> _lastAssigned = new(StringComparer.Ordinal);
    private long _assignClock;

    private string GridId => this.GetPrimaryKeyString();

    private ITerritoryGrain Territory => GrainFactory.GetGrain<ITerritoryGrain>(options.Value.CityId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var self = this.AsReference<IGridGrain>();
        _desk = new CaseDesk(this, GrainFactory, DeskRef.Grid(GridId), recorder, feed, catalog, time, () => self.Wake(), logger) { Policy = this };
        await LoadDuty();
        await _desk.Load();
        foreach (var s in _desk.Open)
        {
            if (s.Assignee?.WorkerId is { } worker && s.DispatchedAt is { } at)
            {
                _lastAssigned[worker] = Math.Max(_lastAssigned.GetValueOrDefault(worker), at.UtcTicks);
            }
        }

        _assignClock = _lastAssigned.Values.DefaultIfEmpty(0).Max();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _desk.Close();
        return Task.CompletedTask;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<CaseRouted>().ResumeAsync((message, _) => _desk.Receive(message));

    public Task ReceiveReminder(string reminderName, TickStatus status) => _desk.Wake();

    public Task Wake() => _desk.Wake();

    public Task OnCaseEvents(IReadOnlyList<CaseEvent> events) => _desk.Observe(events);

    public async Task<int> Retire(int territoryVersion, GridSetup lastPlace)
    {
        if (lastPlace.Grid.Id != GridId)
        {
            throw new ValidationFailedException("grid.id", $"The place of grid '{lastPlace.Grid.Id}' sent to grid '{GridId}'.");
        }

        if (state.State.RetiredAt != territoryVersion || state.State.Setup != lastPlace)
        {
            state.State.RetiredAt = territoryVersion;
            state.State.Setup = lastPlace;
            await state.WriteStateAsync();
        }

        var moved = await _desk.MoveAllAway(territoryVersion, publisher);

        LogRetired(logger, GridId, territoryVersion, moved);
        return moved;
    }

    public async Task<GridDesk?> GetDesk()
    {
        var current = await Territory.GetGridSetup(GridId);
        var retiredAt = current is null ? state.State.RetiredAt : null;
        if ((current ?? (retiredAt is null ? null : state.State.Setup)) is not { } setup)
        {
            return null;
        }

        var roster = state.State.Roster.Values
            .OrderBy(m => m.Profile.Id, StringComparer.Ordinal)
            .Select(m => new RosterEntry(m.Profile with { OnDuty = OnDuty(m) }, OnDuty(m), LoadOf(m.Profile.Id)))
            .ToArray();
        var open = _desk.Open.OrderBy(s => s.ReportedAt).Select(s => s.ToEntry()).ToArray();
        return new GridDesk(GridId, setup.Grid.Name, setup.Path, roster, open,
            await _desk.Notices(options.Value.NoticesKept), await register.StatisticsAsync(_desk.Self, time.Now), retiredAt);
    }

    public async Task UpsertWorker(WorkerProfile profile)
    {
        if (profile.GridId != GridId)
        {
            throw new ValidationFailedException("gridId", $"Worker '{profile.Id}' belongs to grid '{profile.GridId}', not '{GridId}'.");
        }

        state.State.Roster[profile.Id] = new RosterMember(profile, profile.OnDuty);
        await state.WriteStateAsync();
        if (OnDuty(state.State.Roster[profile.Id]))
        {
            await DispatchWaiting();
        }
    }

    public async Task ChangeDuty(string workerId, bool onDuty)
    {
        if (!state.State.Roster.ContainsKey(workerId))
        {
            throw new NotFoundException("worker on this grid", workerId);
        }

        _onDuty[workerId] = onDuty;
        LogDutyChanged(logger, GridId, workerId, onDuty);
        if (onDuty)
        {
            await DispatchWaiting();
            return;
        }

        await HandOnUnaccepted(workerId, $"{workerId} went off duty before accepting");
    }

    public async Task RemoveWorker(string workerId, string reason)
    {
        if (state.State.Roster.Remove(workerId))
        {
            await state.WriteStateAsync();
        }

        _onDuty.Remove(workerId);
        await HandOnUnaccepted(workerId, $"{CaseText.Require("reason", reason)} before accepting");
    }

    /// <summary>Cases dispatched to <paramref name="workerId"/> and not accepted (or checks not answered) go back and on to someone who is on duty.</summary>
    private async Task HandOnUnaccepted(string workerId, string why)
    {
        foreach (var id in _desk.Open.Where(s => Unanswered(s, workerId)).Select(s => s.Id).ToArray())
        {
            await _desk.Record(id, s => Unanswered(s, workerId)
                ? [Redispatch(s, passOver: null, why)]
                : null);
        }

        await _desk.Clock.Rearm();
    }

    public async Task<IncidentView> Reassign(string incidentId, string? workerId, ActorRef actor, string reason)
    {
        var why = CaseText.Require("reason", reason);

        if ((_desk.Find(incidentId) ?? await _desk.Refresh(incidentId)) is not { IsOpen: true } held || held.Tracker != _desk.Self)
        {
            throw new NotFoundException("open incident on this grid", incidentId);
        }

        await _desk.Record(incidentId, s =>
        {
            if (s.Tracker != _desk.Self || !IncidentStateMachine.IsLegal(s.Status, IncidentAction.Reassign))
            {
                throw new IllegalTransitionException(incidentId, s.Status.ToString(), IncidentAction.Reassign.ToString());
            }

            var target = workerId is null ? PickOther(s) : Named(workerId);
            return [Assign(s, IncidentAction.Reassign, target, actor, why)];
        });
        await _desk.Clock.Rearm();
        return await GrainFactory.GetGrain<IIncidentGrain>(incidentId).Get() ?? throw new NotFoundException("incident", incidentId);

        RosterMember PickOther(CaseState s) =>
            Pick(s.Category, s.Assignee?.WorkerId is { } current ? [.. s.PassedOver, current] : s.PassedOver)
            ?? throw new ValidationFailedException("workerId", $"No other on-duty worker on grid '{GridId}' has the skill for '{s.Category}'.");
    }

    public Task<IReadOnlyList<CaseEntry>> GetAssignments(string workerId) =>
        Task.FromResult<IReadOnlyList<CaseEntry>>(_desk.Open
            .Where(s => s.Assignee?.WorkerId == workerId)
            .OrderBy(s => s.ReportedAt)
            .Select(s => s.ToEntry())
            .ToArray());

    /// <summary>
    /// A new case: merged into an open case it repeats (<see cref="DuplicateRule"/>), else given
    /// to the best eligible worker, else queued with a notice until someone with the skill is on duty.
    /// </summary>
    async Task IDeskPolicy.TakeIn(CaseState taken)
    {
        if (state.State.RetiredAt is { } version && !await IsBackOnTheMap())
        {
            // Delivered here after the grid left the map (a report located by a building whose
            // record still names this grid, say): on to the desk that holds the place now.
            await _desk.MoveAway(taken.Id, version, publisher);
            return;
        }

        if (FindDuplicateOf(taken) is { } primary)
        {
            await Task.WhenAll(
                _desk.Record(primary.Id, p => p.Duplicates.Contains(taken.Id) || !(p.Status.IsAwaitingResult() || p.Status == IncidentStatus.AwaitingConfirmation)
                    ? null
                    : [new CaseChange(IncidentAction.AddReporter, _desk.Actor, $"duplicate report {taken.Id} merged in", new ReporterData(taken.Reporters[0], taken.Id))]),
                _desk.Record(taken.Id, s => Undelivered(s)
                    ? [new CaseChange(IncidentAction.Merge, _desk.Actor, $"duplicate of {primary.Id}: {SamePlaceText(taken, primary)} and category", new MergeData(primary.Id), _desk.Self)]
                    : null));
            return;
        }

        await _desk.Record(taken.Id, s =>
        {
            if (!Undelivered(s))
            {
                return null;
            }

            var category = catalog.Get(s.Category);
            var worker = Pick(s.Category, s.PassedOver);
            if (s.Status == IncidentStatus.AwaitingConfirmation)
            {
                return
                [
                    worker is not null
                        ? Assign(s, IncidentAction.Dispatch, worker, _desk.Actor, $"on duty with skill '{category.Skill}', open load {LoadOf(worker.Profile.Id)}")
                        : new CaseChange(IncidentAction.Acknowledge, _desk.Actor, $"no on-duty worker with skill '{category.Skill}': the on-site check waits", NoticeFor: _desk.Self),
                ];
            }

            var first = worker is not null
                ? Assign(s, IncidentAction.Dispatch, worker, _desk.Actor, $"on duty with skill '{category.Skill}', open load {LoadOf(worker.Profile.Id)}")
                : new CaseChange(IncidentAction.Acknowledge, _desk.Actor, $"no on-duty worker with skill '{category.Skill}': waiting for dispatch", NoticeFor: _desk.Self);
            return _desk.NoticeUpward(s) is { } notice ? [first, notice] : [first];
        });
    }

    async Task IDeskPolicy.OnAcceptMissed(CaseState missed) =>
        await _desk.Record(missed.Id, s =>
        {
            if (s.Status != IncidentStatus.Dispatched || s.AcceptDue is not { } due || due > time.Now)
            {
                return null;
            }

            var missedBy = s.Assignee?.WorkerId;
            return [Redispatch(s, missedBy, $"accept deadline {due:u} missed by {missedBy}")];
        });

    /// <summary>
    /// Nobody answered the on-site check in time: the community hears of it, and the check goes to
    /// the next eligible worker with a fresh deadline (the late one is passed over), or back to the
    /// queue with a notice until someone with the skill is on duty.
    /// </summary>
    async Task IDeskPolicy.OnConfirmMissed(CaseState missed) =>
        await _desk.Record(missed.Id, s =>
        {
            if (s.Status != IncidentStatus.AwaitingConfirmation || s.Assignee is null || s.ConfirmDue is not { } due || due > time.Now)
            {
                return null;
            }

            var missedBy = s.Assignee.WorkerId;
            var reason = $"on-site check (核实) due {due:u} not answered by {missedBy}";
            return [_desk.LateCheckNotice(s, reason), Redispatch(s, missedBy, reason)];
        });

    async Task IDeskPolicy.OnReturned(CaseState before, CaseState after, CaseEvent? cause) =>
        await _desk.Record(after.Id, s => s.Status == IncidentStatus.Registered && s.Tracker == _desk.Self && !s.AwaitingRoute
            ? TryDispatch(s, cause is { Type: IncidentAction.Reject } ? $"re-dispatch after {cause.Actor} rejected" : "re-dispatch")
            : null);

    /// <summary>A retired grid that a later version of the map has again opens its desk again.</summary>
    private async Task<bool> IsBackOnTheMap()
    {
        if (await Territory.GetGridSetup(GridId) is null)
        {
            return false;
        }

        state.State.RetiredAt = null;
        await state.WriteStateAsync();
        return true;
    }

    /// <summary>To the next eligible worker, or back to the queue with a notice when nobody is.</summary>
    private CaseChange Redispatch(CaseState s, string? passOver, string reason)
    {
        var current = s.Assignee?.WorkerId;
        IReadOnlyList<string> excluded = current is null ? s.PassedOver : [.. s.PassedOver, current];
        return Pick(s.Category, excluded) is { } next
            ? Assign(s, IncidentAction.Reassign, next, _desk.Actor, reason, passOver, notice: true)
            : new CaseChange(IncidentAction.Recall, _desk.Actor, $"{reason}; no other on-duty worker has the skill", new RecallData(passOver), _desk.Self);
    }

    private IReadOnlyList<CaseChange> TryDispatch(CaseState s, string reason) =>
        Pick(s.Category, s.PassedOver) is { } worker
            ? [Assign(s, IncidentAction.Dispatch, worker, _desk.Actor, reason)]
            : [new CaseChange(IncidentAction.Notice, _desk.Actor, $"no eligible on-duty worker for '{s.Category}': waiting for dispatch", NoticeFor: _desk.Self)];

    private CaseChange Assign(CaseState s, IncidentAction action, RosterMember worker, ActorRef actor, string reason, string? passOver = null, bool notice = false)
    {
        var id = worker.Profile.Id;
        _assignClock = Math.Max(_assignClock + 1, time.Now.UtcTicks);
        _lastAssigned[id] = _assignClock;
        var category = catalog.Get(s.Category);
        if (s.Status == IncidentStatus.AwaitingConfirmation)
        {
            // The check is given, not a case to sign for; its deadline stands unless it has passed.
            var now = time.Now;
            var fresh = s.ConfirmDue is { } due && due > now ? (DateTimeOffset?)null : IncidentDeadlines.ConfirmDue(category, now, calendar.Current);
            return new CaseChange(action, actor, $"on-site check (核实) to {id}: {reason}", new AssignData(Assignee.Worker(id), null, passOver, fresh),
                notice ? _desk.Self : null);
        }

        return new CaseChange(action, actor, $"to {id}: {reason}",
            new AssignData(Assignee.Worker(id), IncidentDeadlines.AcceptDue(category, time.Now, calendar.Current), passOver),
            notice ? _desk.Self : null);
    }

    /// <summary>Dispatches the cases waiting on this desk, oldest first, to whoever is now eligible.</summary>
    private async Task DispatchWaiting()
    {
        foreach (var id in _desk.Open.Where(Waiting).OrderBy(s => s.ReportedAt).Select(s => s.Id).ToArray())
        {
            await _desk.Record(id, s => Waiting(s) && Pick(s.Category, s.PassedOver) is { } worker
                ? [Assign(s, IncidentAction.Dispatch, worker, _desk.Actor, "a worker with the skill came on duty")]
                : null);
        }

        static bool Waiting(CaseState s) =>
            s.Delivered && (s.Status == IncidentStatus.Registered || (s.Status == IncidentStatus.AwaitingConfirmation && s.Assignee is null));

        await _desk.Clock.Rearm();
    }

    private bool Undelivered(CaseState s) => s.AwaitsTakeIn && s.Tracker == _desk.Self;

    /// <summary>Given to <paramref name="workerId"/> and not yet answered: a dispatch not signed for, or an on-site check.</summary>
    private static bool Unanswered(CaseState s, string workerId) =>
        s.Status is IncidentStatus.Dispatched or IncidentStatus.AwaitingConfirmation && s.Assignee?.WorkerId == workerId;

    /// <summary>The oldest open case of the desk that the new case repeats (<see cref="DuplicateRule"/>), into which it merges.</summary>
    private CaseState? FindDuplicateOf(CaseState taken) =>
        taken.Channel == Channel.Visit
            ? null
            : _desk.Open
                .Where(s => DuplicateRule.Repeats(taken, s, options.Value.MergeRadiusMeters))
                .OrderBy(s => s.ReportedAt)
                .FirstOrDefault();

    private string SamePlaceText(CaseState taken, CaseState primary) =>
        taken.Placement.BuildingId is { } building && building == primary.Placement.BuildingId
            ? "same building"
            : $"within {options.Value.MergeRadiusMeters:0.#} m";

    private RosterMember Named(string workerId)
    {
        if (!state.State.Roster.TryGetValue(workerId, out var target))
        {
            throw new ValidationFailedException("workerId", $"Worker '{workerId}' is not on the roster of grid '{GridId}'.");
        }

        return OnDuty(target) ? target : throw new ValidationFailedException("workerId", $"Worker '{workerId}' is off duty.");
    }

    private RosterMember? Pick(string categoryCode, IReadOnlyCollection<string> passedOver)
    {
        var skill = catalog.Get(categoryCode).Skill;
        var pick = AssignmentPolicy.Pick(
            state.State.Roster.Values.Select(m => new Candidate(m.Profile, OnDuty(m), LoadOf(m.Profile.Id), _lastAssigned.GetValueOrDefault(m.Profile.Id))),
            skill,
            passedOver);
        return pick is null ? null : state.State.Roster[pick.Worker.Id];
    }

    /// <summary>Cases a worker holds that count against their load (dispatched, being worked, or to check on site).</summary>
    private int LoadOf(string workerId) =>
        _desk.Open.Count(s => s.Assignee?.WorkerId == workerId && s.Status is IncidentStatus.Dispatched or IncidentStatus.Accepted or IncidentStatus.AwaitingConfirmation);

    private bool OnDuty(RosterMember member) => _onDuty.TryGetValue(member.Profile.Id, out var onDuty) ? onDuty : member.OnDuty;

    /// <summary>Each worker's last duty change from the journal; a worker who never changed keeps the duty they were set up with.</summary>
    private async Task LoadDuty()
    {
        var streams = state.State.Roster.Keys.Select(CaseStreams.OfWorker).ToArray();
        foreach (var (stream, last) in await recorder.Journal.LastEntriesAsync(streams))
        {
            if (DutyChange.Decode(last) is { } change)
            {
                _onDuty[change.WorkerId] = change.OnDuty;
            }
        }
    }

    [LoggerMessage(3002, LogLevel.Information, "Grid {GridId} retired by territory version {Version}: {Moved} open case(s) moved")]
    private static partial void LogRetired(ILogger logger, string gridId, int version, int moved);

    [LoggerMessage(3001, LogLevel.Information, "Grid {GridId}: worker {WorkerId} on duty = {OnDuty}")]
    private static partial void LogDutyChanged(ILogger logger, string gridId, string workerId, bool onDuty);
}
