using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;

namespace Dispatch.Desks;

/// <summary>What a desk decides about its cases; a grid and an area or department desk differ only here.</summary>
public interface IDeskPolicy
{
    /// <summary>A case has come to the desk that nobody has taken in yet: give it to someone, merge it, or queue it.</summary>
    Task TakeIn(CaseState state);

    /// <summary>The sign-for deadline passed on a dispatched case.</summary>
    Task OnAcceptMissed(CaseState state);

    /// <summary>The on-site check of a report held before filing (核实) was not answered by its deadline.</summary>
    Task OnConfirmMissed(CaseState state);

    /// <summary>A case came back to the desk's queue because someone else gave it back (<paramref name="cause"/>: a reject).</summary>
    Task OnReturned(CaseState before, CaseState after, CaseEvent? cause);
}

/// <summary>
/// The cases a desk tracks and what every desk does with them: rebuilt from the journal when the
/// desk activates (one query), kept current from what the desk records itself and what the
/// incidents tell it, and driven by the desk's clock. The desk records its own changes straight
/// into the journal after the state it holds; when another writer got there first, it reads the
/// case again and decides afresh, so it never acts on a case as it was. That also makes the desk
/// grains safe to be reentrant: while one change waits for its commit, the desk goes on with the
/// next, and two decisions about one case cannot both be recorded.
/// </summary>
public sealed partial class CaseDesk
{
    private readonly Grain _grain;
    private readonly IGrainFactory _grains;
    private readonly CaseRecorder _recorder;
    private readonly FeedOutbox _feed;
    private readonly CategoryCatalog _catalog;
    private readonly DispatchTime _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, CaseState> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _takingIn = new(StringComparer.Ordinal);

    /// <summary>How many of <see cref="_open"/> wait for dispatch: this desk's share of <see cref="CaseGauges.Waiting"/>.</summary>
    private int _waiting;

    public CaseDesk(Grain grain, IGrainFactory grains, DeskRef self, CaseRecorder recorder, FeedOutbox feed, CategoryCatalog catalog, DispatchTime time, Func<Task> wakeThroughRuntime, ILogger logger)
    {
        Self = self;
        _grain = grain;
        _grains = grains;
        _recorder = recorder;
        _feed = feed;
        _catalog = catalog;
        _time = time;
        _logger = logger;
        Clock = new DeskClock(grain, time, wakeThroughRuntime, logger);
    }

    /// <summary>
    /// What the desk records that the case's own grain hears of at once: who has the case. These
    /// happen while a case is new and its grain active, and its worker acts next. The clock's
    /// escalations and notices are not sent: they come to cases nobody touches, whose grains would
    /// have to wake for them (the grain reads them from the journal when next asked).
    /// </summary>
    private static readonly HashSet<IncidentAction> TellsTheCase =
        [IncidentAction.Dispatch, IncidentAction.Reassign, IncidentAction.Recall, IncidentAction.Acknowledge, IncidentAction.Merge, IncidentAction.Move, IncidentAction.Return];

    public DeskRef Self { get; }

    public DeskClock Clock { get; }

    /// <summary>Set by the desk grain once it can decide (after its own state has loaded).</summary>
    public IDeskPolicy Policy { get; set; } = null!;

    public IReadOnlyCollection<CaseState> Open => _open.Values;

    public ActorRef Actor => ActorRef.System(Self.Key);

    public CaseState? Find(string caseId) => _open.GetValueOrDefault(caseId);

    /// <summary>
    /// Rebuilds the desk's cases from the journal and takes in the ones no desk has taken in yet.
    /// Deadlines that passed meanwhile fire right after.
    /// </summary>
    public async Task Load()
    {
        var rows = await _recorder.Journal.ReadOpenCasesAsync(Self.Key);
        foreach (var stream in rows.GroupBy(r => r.Stream))
        {
            if (CaseFold.Replay(stream.Select(CaseEventCodec.Decode)) is { } state)
            {
                Track(state);
            }
        }

        await Task.WhenAll(_open.Values.Where(s => s.AwaitsTakeIn).ToArray().Select(TakeIn));
        await Clock.Rearm();
    }

    /// <summary>
    /// A case delivered to the desk (stream message or re-drive); taking it in again changes nothing.
    /// The message is done with once the desk holds the case: taking it in (deciding, recording) goes
    /// on beside the next messages, so a desk that receives many cases records them in the same
    /// journal transactions instead of one commit after another. Should the desk die before the
    /// record is durable, the case is still undelivered in the journal, and the re-drive brings it back.
    /// </summary>
    public async Task Receive(CaseRouted message)
    {
        if (_open.ContainsKey(message.CaseId))
        {
            await Observe(message.Events);
            // A re-drive of a case the desk holds but failed to take in (the journal was unreachable, say).
            if (Find(message.CaseId) is { AwaitsTakeIn: true } held && !_takingIn.Contains(held.Id))
            {
                _ = TakeInAndRearm(held, message.TraceParent);
            }

            return;
        }

        if (CaseFold.Replay(message.Events) is not { IsOpen: true } state || state.Tracker != Self)
        {
            return;
        }

        Track(state);
        if (state.AwaitsTakeIn)
        {
            _ = TakeInAndRearm(state, message.TraceParent);
            return;
        }

        await Clock.Rearm();
    }

    private async Task TakeInAndRearm(CaseState state, string? traceParent)
    {
        // The stream delivered the message outside the report's trace: continue that trace here.
        using var activity = DispatchTracing.StartTakeIn(traceParent, state.Id, Self);
        await TakeIn(state);
        try
        {
            await Clock.Rearm();
        }
        catch (Exception ex)
        {
            // The reminder is only the safety net; the timer is armed all the same.
            LogTakeInFailed(_logger, ex, Self.Key, state.Id);
        }
    }

    /// <summary>Events someone else recorded on the desk's cases (the incident grain, after what people did).</summary>
    public async Task Observe(IReadOnlyList<CaseEvent> events)
    {
        foreach (var ofCase in events.GroupBy(e => e.CaseId))
        {
            var before = Find(ofCase.Key);
            var after = before;
            CaseEvent? cause = null;
            foreach (var e in ofCase.OrderBy(e => e.Sequence))
            {
                if (after is not null && e.Sequence == after.Sequence + 1)
                {
                    after = CaseFold.Apply(after, e);
                    cause = e;
                }
                else if (after is null || e.Sequence > after.Sequence)
                {
                    // Missed something (or never held the case): the journal has it all.
                    after = null;
                    break;
                }
            }

            after = after is null ? await Refresh(ofCase.Key) : Track(after);
            if (before is not null && after is not null && after.Tracker == Self
                && after.Status == IncidentStatus.Registered && before.Status != IncidentStatus.Registered)
            {
                await Policy.OnReturned(before, after, cause);
            }
        }

        await Clock.Rearm();
    }

    /// <summary>
    /// Records on a case what <paramref name="decide"/> answers for its latest state (null or empty:
    /// nothing to do). When another writer came first, reads the case again and asks again.
    /// Answers the case as it is afterwards, or null when there is no such case.
    /// </summary>
    public async Task<CaseState?> Record(string caseId, Func<CaseState, IReadOnlyList<CaseChange>?> decide)
    {
        var state = Find(caseId);
        for (var attempt = 1; ; attempt++)
        {
            state ??= await Refresh(caseId);
            if (state is null)
            {
                return null;
            }

            var changes = decide(state);
            if (changes is not { Count: > 0 })
            {
                return state;
            }

            if (await _recorder.TryRecord(caseId, state, changes) is { } recorded)
            {
                recorded.Announce(_feed);
                if (recorded.Events.Any(e => TellsTheCase.Contains(e.Type)))
                {
                    _grains.GetGrain<IIncidentGrain>(caseId).OnDeskEvents(recorded.Events).Ignore();
                }

                return Track(recorded.After);
            }

            if (attempt == CaseRecorder.Attempts)
            {
                throw new StorageUnavailableException($"Case {caseId} kept changing while desk {Self} recorded on it.");
            }

            state = await Refresh(caseId);
        }
    }

    /// <summary>Reads what the journal holds of a case beyond what the desk has; answers the case as it is now.</summary>
    public async Task<CaseState?> Refresh(string caseId)
    {
        var known = Find(caseId);
        var rows = await _recorder.Journal.ReadAsync(caseId, known?.Sequence ?? 0);
        var state = known;
        foreach (var row in rows)
        {
            state = CaseFold.Apply(state, CaseEventCodec.Decode(row));
        }

        return state is null ? null : Track(state);
    }

    /// <summary>Fires every deadline that is due, earliest first.</summary>
    public async Task Wake()
    {
        var now = _time.Now;
        foreach (var (caseId, kind, _) in Clock.TakeDue(now))
        {
            if (Find(caseId) is not { } state)
            {
                continue;
            }

            try
            {
                switch (kind)
                {
                    case DeadlineKind.Accept when state.Status == IncidentStatus.Dispatched && state.AcceptDue <= now:
                        await Policy.OnAcceptMissed(state);
                        break;
                    case DeadlineKind.Contact:
                        await Record(caseId, DecideContactMissed);
                        break;
                    case DeadlineKind.Review:
                        await Record(caseId, DecideReviewNotice);
                        break;
                    case DeadlineKind.Part:
                        await Record(caseId, DecidePartsOverdue);
                        break;
                    case DeadlineKind.Confirm when state.Status == IncidentStatus.AwaitingConfirmation && state.ConfirmDue <= now:
                        await Policy.OnConfirmMissed(state);
                        break;
                    case DeadlineKind.Escalate:
                        await EscalateWhenDue(caseId);
                        break;
                }
            }
            catch (Exception ex)
            {
                LogDeadlineFailed(_logger, ex, Self.Key, caseId, kind);
                // Try again shortly rather than lose the deadline (or spin on a failing call).
                Clock.Postpone(caseId, kind, now + DeskClock.Retry);
            }
        }

        await Clock.Rearm();
    }

    /// <summary>Sends a case one level up if its escalation deadline has passed and it still waits for a result.</summary>
    public async Task<CaseState?> EscalateWhenDue(string caseId)
    {
        var before = Find(caseId)?.Escalations.Count ?? 0;
        var after = await Record(caseId, DecideEscalation);
        if (after is not null && after.Escalations.Count > before)
        {
            LogEscalated(_logger, caseId, Self.Key, after.Escalations[^1].Desk.Key);
        }

        return after;
    }

    private IReadOnlyList<CaseChange>? DecideEscalation(CaseState s)
    {
        var now = _time.Now;
        if (!s.Status.IsAwaitingResult() || s.EscalationDue is not { } due || due > now || due == s.EscalationSpent)
        {
            return null;
        }

        var reason = s.Escalations.Count == 0
            ? $"resolve deadline {s.ResolveDue:u} missed"
            : $"supervision window at {s.Escalations[^1].Desk} missed";
        return EscalateOrNotice(s, reason, due);
    }

    /// <summary>
    /// The first-contact stage missed: the case stays where it is (its resolve clock still runs), but
    /// the level above the desk hears of it (督办), as it hears of an emergency.
    /// </summary>
    private IReadOnlyList<CaseChange>? DecideContactMissed(CaseState s) =>
        s.PendingContactDue is { } due && due <= _time.Now
            ? [new CaseChange(IncidentAction.ContactMissed, ActorRef.System("clock"),
                $"first-contact deadline {due:u} missed: nobody has reached the resident", NoticeFor: NoticeTarget(s.Placement.Path) ?? Self)]
            : null;

    /// <summary>A parked case's review date has come: the desk that holds it lists it among its notices, to review or unpark it.</summary>
    private IReadOnlyList<CaseChange>? DecideReviewNotice(CaseState s) =>
        s.PendingReviewOn is { } reviewOn && reviewOn <= _time.Now
            ? [new CaseChange(IncidentAction.ReviewDue, ActorRef.System("clock"),
                $"parked case due for review ({reviewOn:u}): unpark it or park it again with a new date", new ReviewData(reviewOn), Self)]
            : null;

    /// <summary>
    /// Co-units' parts whose deadline passed unreported: a notice on this desk (the lead's) for each,
    /// once. The lead still cannot report the case resolved without them; it chases the co-unit, or
    /// the co-unit hands the part back.
    /// </summary>
    private IReadOnlyList<CaseChange>? DecidePartsOverdue(CaseState s)
    {
        var now = _time.Now;
        if (!IncidentStateMachine.IsLegal(s.Status, IncidentAction.PartOverdue))
        {
            return null;
        }

        return s.CoUnits.Where(p => p.IsOutstanding && !p.Overdue && p.Due <= now)
            .Select(p => new CaseChange(IncidentAction.PartOverdue, ActorRef.System("clock"),
                $"co-unit {p.Department} missed its part deadline {p.Due:u}: {p.Task}", new PartData(p.Department), Self))
            .ToArray();
    }

    /// <summary>The step one level up the chain, or — with nowhere left to go — a notice that the deadline cannot be escalated.</summary>
    public IReadOnlyList<CaseChange> EscalateOrNotice(CaseState s, string reason, DateTimeOffset due) =>
        Escalation(s, reason) is { } step
            ? [step]
            : [new CaseChange(IncidentAction.Notice, Actor, $"{reason}; there is no level above {Self}", new TopReachedData(due), Self)];

    /// <summary>The step one level up the chain (the next desk lists it among its notices), or null at the top.</summary>
    public CaseChange? Escalation(CaseState s, string reason)
    {
        if (EscalationChain.Next(s.Placement.Path, Self, s.Escalations) is not { } next)
        {
            return null;
        }

        var nextDue = IncidentDeadlines.NextEscalationDue(_catalog, _catalog.Get(s.Category), next.Level, _time.Now);
        return new CaseChange(IncidentAction.Escalate, ActorRef.System("clock"), $"to {next}: {reason}", new EscalateData(next, nextDue), next);
    }

    /// <summary>An immediate notice to the desk above (emergency categories), or null when there is none.</summary>
    public CaseChange? NoticeUpward(CaseState s)
    {
        var category = _catalog.Get(s.Category);
        return category.NotifyUpward && NoticeTarget(s.Placement.Path) is { } above
            ? new CaseChange(IncidentAction.Notify, Actor, $"{category.NameEn}: immediate notice to {above}", new NotifyData(above), above)
            : null;
    }

    /// <summary>
    /// A late on-site check (核实) is told to the level above — the community, whose grid did not go
    /// and look in time — as a notice on its desk; with no level above, to this desk.
    /// </summary>
    public CaseChange LateCheckNotice(CaseState s, string reason) =>
        NoticeTarget(s.Placement.Path) is { } above
            ? new CaseChange(IncidentAction.Notify, Actor, $"{reason}: notice to {above}", new NotifyData(above), above)
            : new CaseChange(IncidentAction.Notice, Actor, reason, NoticeFor: Self);

    /// <summary>
    /// Who hears of an emergency at once: the community of the place, for a grid's case and a
    /// department's alike (a department sits beside the map, but the people at the place are the
    /// community's); an area desk's case, the level above it.
    /// </summary>
    private DeskRef? NoticeTarget(TerritoryPath path) =>
        Self.Level is OrgLevel.Grid or OrgLevel.Department && path.CommunityId is { } community
            ? new DeskRef(OrgLevel.Community, community)
            : EscalationChain.Next(path, Self, []);

    /// <summary>The desk's notices: the newest journal rows addressed to it.</summary>
    public async Task<DeskNotice[]> Notices(int limit) =>
        (await _recorder.Journal.NoticesAsync(Self.Key, limit)).Select(row =>
        {
            var e = CaseEventCodec.Decode(row);
            return new DeskNotice(e.At, e.CaseId, NoticeText(e));
        }).ToArray();

    /// <summary>What a notice says, from the event behind it.</summary>
    public static string NoticeText(CaseEvent e) => e.Type switch
    {
        IncidentAction.Reject => $"rejected by {e.Actor}: {e.Reason}",
        IncidentAction.Escalate => $"escalated here by {e.Actor}: {e.Reason}",
        IncidentAction.Notify => $"from {e.Actor}: {e.Reason}",
        IncidentAction.Merge => $"merged: {e.Reason}",
        IncidentAction.Unmerge => $"unmerged by {e.Actor}: {e.Reason}",
        IncidentAction.Move => $"moved: {e.Reason}",
        IncidentAction.Return => $"returned by {e.Actor}: {e.Reason}",
        IncidentAction.Route => $"routed here by {e.Actor}: {e.Reason}",
        IncidentAction.AddCoUnit => $"co-unit: report your part ({e.Reason})",
        IncidentAction.ReportPart when e.Data is PartData p => $"part of co-unit {p.Department} reported by {e.Actor}: {e.Reason}",
        IncidentAction.HandBackPart when e.Data is PartData p => $"part handed back by co-unit {p.Department} ({e.Actor}): {e.Reason}",
        _ => e.Reason ?? e.Type.ToString(),
    };

    private async Task TakeIn(CaseState state)
    {
        _takingIn.Add(state.Id);
        try
        {
            await Policy.TakeIn(state);
        }
        catch (Exception ex)
        {
            // Still undelivered in the journal: the re-drive brings it back.
            LogTakeInFailed(_logger, ex, Self.Key, state.Id);
        }
        finally
        {
            _takingIn.Remove(state.Id);
        }
    }

    /// <summary>Holds the case while it is open and tracked here, with its deadlines; lets it go otherwise.</summary>
    private CaseState Track(CaseState state)
    {
        var wasWaiting = _open.TryGetValue(state.Id, out var held) && IsWaiting(held);
        var isWaiting = false;
        if (state.IsOpen && state.Tracker == Self)
        {
            _open[state.Id] = state;
            Clock.Schedule(state);
            isWaiting = IsWaiting(state);
        }
        else if (_open.Remove(state.Id))
        {
            Clock.Clear(state.Id);
        }

        if (wasWaiting != isWaiting)
        {
            var delta = isWaiting ? 1 : -1;
            _waiting += delta;
            CaseGauges.AddWaiting(delta);
        }

        return state;
    }

    /// <summary>Moves every open case of this desk away (<see cref="MoveAway"/>); answers how many moved.</summary>
    public async Task<int> MoveAllAway(int territoryVersion, ICaseDeliveryPublisher publisher)
    {
        var moved = 0;
        foreach (var id in _open.Keys.ToArray())
        {
            moved += await MoveAway(id, territoryVersion, publisher) ? 1 : 0;
        }

        return moved;
    }

    /// <summary>
    /// Moves a case of this desk, whose place left the map in <paramref name="territoryVersion"/>, to
    /// the desk that holds its location now at the same level (a grid's case to the grid there, a
    /// community's to the community there, else the lowest area above): a notice here and the move
    /// (a notice there) in one append, then the case is delivered to its new desk as a new case
    /// would be. Answers whether it moved.
    /// </summary>
    public async Task<bool> MoveAway(string caseId, int territoryVersion, ICaseDeliveryPublisher publisher)
    {
        if (Find(caseId) is not { } held)
        {
            return false;
        }

        var placement = held.Placement;
        var located = placement is { Longitude: { } lon, Latitude: { } lat }
            ? await _grains.GetGrain<ITerritoryGrain>(placement.Path.CityId).Locate(lon, lat)
            : new TerritoryPath(placement.Path.CityId, null, null, null, null);
        var to = Truncated(located, Self.Level).LowestDesk;
        if (to == Self)
        {
            return false;
        }

        var why = $"{Self} is not in territory version {territoryVersion}";
        var moved = await Record(caseId, s => !s.IsOpen || s.Tracker != Self
            ? null
            :
            [
                new CaseChange(IncidentAction.Notice, Actor, $"moving to {to}: {why}", NoticeFor: Self),
                new CaseChange(IncidentAction.Move, Actor, $"from {Self} to {to}: {why}", new MoveData(Self, to, located, territoryVersion), to),
            ]);
        if (moved is null || moved.Tracker != to)
        {
            return false;
        }

        await Deliver(caseId, to, publisher);
        return true;

        // A community's case stays with a community where there is one, not with the grid below it.
        static TerritoryPath Truncated(TerritoryPath path, OrgLevel level) => level switch
        {
            OrgLevel.Community => path with { GridId = null },
            OrgLevel.Street => path with { GridId = null, CommunityId = null },
            OrgLevel.District => path with { GridId = null, CommunityId = null, StreetId = null },
            OrgLevel.City => new TerritoryPath(path.CityId, null, null, null, null),
            _ => path,
        };
    }

    /// <summary>
    /// Publishes a case this desk sent to another desk (moved, returned) to that desk's delivery
    /// stream, as a new case would be. Recorded in the journal all the same when this fails: the new
    /// desk finds it when it next loads, and an undelivered one is published again by the re-drive.
    /// </summary>
    public async Task Deliver(string caseId, DeskRef to, ICaseDeliveryPublisher publisher)
    {
        try
        {
            var events = CaseEventCodec.Decode(await _recorder.Journal.ReadAsync(caseId));
            await publisher.Publish(_grain.GetStreamProvider(StreamNames.Provider), CaseDelivery.StreamOf(to), new CaseRouted(caseId, events));
        }
        catch (Exception ex)
        {
            LogMovePublishFailed(_logger, ex, caseId, to.Key);
        }
    }

    /// <summary>Waiting for dispatch: on the desk, and nobody has it.</summary>
    private static bool IsWaiting(CaseState state) => state.Status == IncidentStatus.Registered;

    /// <summary>The desk is deactivating: its deadlines stop, and its waiting cases leave the silo's queue gauge.</summary>
    public void Close()
    {
        Clock.Dispose();
        CaseGauges.AddWaiting(-_waiting);
        _waiting = 0;
    }

    [LoggerMessage(2001, LogLevel.Information, "Incident {IncidentId} escalated from {Desk} to {Target}")]
    private static partial void LogEscalated(ILogger logger, string incidentId, string desk, string target);

    [LoggerMessage(2002, LogLevel.Warning, "Desk {Desk}: handling the {Kind} deadline of {IncidentId} failed; retrying")]
    private static partial void LogDeadlineFailed(ILogger logger, Exception exception, string desk, string incidentId, DeadlineKind kind);

    [LoggerMessage(2004, LogLevel.Warning, "Case {IncidentId} sent to {Desk}, but publishing it there failed; the desk finds it when it loads, the re-drive publishes it again")]
    private static partial void LogMovePublishFailed(ILogger logger, Exception exception, string incidentId, string desk);

    [LoggerMessage(2003, LogLevel.Warning, "Desk {Desk}: taking in {IncidentId} failed; the re-drive will bring it back")]
    private static partial void LogTakeInFailed(ILogger logger, Exception exception, string desk, string incidentId);
}
