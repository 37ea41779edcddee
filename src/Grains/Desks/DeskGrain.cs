using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dispatch.Desks;

/// <summary>What an area or department desk keeps as grain state: how it was set up. Its cases are in the journal.</summary>
[GenerateSerializer, Alias("Dispatch.DeskState")]
public sealed class DeskState
{
    [Id(0)] public DeskSetup? Setup { get; set; }

    /// <summary>The territory version that no longer has this area, or null while it exists.</summary>
    /// <remarks>Id 20, not 1: ids 1 and up were the desk's book before the case journal, and desks
    /// stored then still carry them (read and ignored).</remarks>
    [Id(20)] public int? RetiredAt { get; set; }
}

/// <summary>
/// An area desk (community, street, district, city) or a department desk. Takes in the cases the
/// access list routes to it and works them as a unit. The cases escalated to it and its figures are
/// read from the register, its notices from the journal: it writes nothing of its own per case.
/// </summary>
[GrainType("desk")]
[Reentrant]
[ImplicitStreamSubscription(StreamNames.DeskCases)]
public sealed class DeskGrain(
    [PersistentState("desk")] IPersistentState<DeskState> state,
    CaseRecorder recorder,
    FeedOutbox feed,
    ICaseRegister register,
    CategoryCatalog catalog,
    DispatchTime time,
    Calendar.CityCalendar calendar,
    IOptions<DispatchOptions> options,
    ICaseDeliveryPublisher publisher,
    ILogger<DeskGrain> logger) : Grain, IDeskGrain, IDeskPolicy, IStreamSubscriptionObserver, IRemindable
{
    private CaseDesk _desk = null!;

    private DeskRef Self => _desk.Self;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var self = this.AsReference<IDeskGrain>();
        _desk = new CaseDesk(this, GrainFactory, DeskRef.Parse(this.GetPrimaryKeyString()), recorder, feed, catalog, time, () => self.Wake(), logger) { Policy = this };
        await _desk.Load();
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

    public async Task Configure(DeskSetup setup)
    {
        if (setup.Desk != Self)
        {
            throw new ValidationFailedException("desk", $"Setup for desk '{setup.Desk}' sent to desk '{Self}'.");
        }

        state.State.Setup = setup;
        state.State.RetiredAt = null;
        await state.WriteStateAsync();
    }

    public async Task<int> Retire(int territoryVersion)
    {
        if (Self.Level is OrgLevel.Department or OrgLevel.Grid)
        {
            throw new ValidationFailedException("desk", $"{Self} is not an area of the map.");
        }

        if (state.State.RetiredAt != territoryVersion)
        {
            state.State.RetiredAt = territoryVersion;
            await state.WriteStateAsync();
        }

        return await _desk.MoveAllAway(territoryVersion, publisher);
    }

    public async Task<AreaDesk?> GetDesk()
    {
        var setup = state.State.Setup;
        var name = setup?.Name ?? DefaultName();
        if (name is null)
        {
            return null;
        }

        var escalated = Self.Level == OrgLevel.Department ? [] : await register.EscalatedToAsync(Self);
        return new AreaDesk(
            Self,
            name,
            setup?.Parent,
            setup?.Children ?? [],
            _desk.Open.OrderBy(s => s.ReportedAt).Select(s => s.ToEntry()).ToArray(),
            escalated,
            await _desk.Notices(options.Value.NoticesKept),
            state.State.RetiredAt);
    }

    /// <summary>A case the access list routed here: the desk takes it as a unit.</summary>
    async Task IDeskPolicy.TakeIn(CaseState taken)
    {
        if (state.State.RetiredAt is { } version)
        {
            // Routed here after the area left the map (by a building whose record still names it): on to the desk that holds the place now.
            await _desk.MoveAway(taken.Id, version, publisher);
            return;
        }

        if (taken.Status == IncidentStatus.AwaitingConfirmation)
        {
            // A held report that reached an area desk (its grid left the map and no grid holds the place
            // now) has no grid worker to check it on site: it is filed at once, and the access list says who has it.
            var filed = await _desk.Record(taken.Id, s => s.AwaitsTakeIn && s.Status == IncidentStatus.AwaitingConfirmation && s.Tracker == Self
                ? [ConfirmBeforeFiling.Filing(s, catalog.Get(s.Category), _desk.Actor, $"no grid worker at {Self} to confirm it on site", time.Now, calendar.Current)]
                : null);
            if (filed is not { Status: IncidentStatus.Registered, Delivered: false })
            {
                return;
            }

            if (filed.Tracker != Self)
            {
                await _desk.Deliver(filed.Id, filed.Tracker, publisher);
                return;
            }

            taken = filed;
        }

        await _desk.Record(taken.Id, s =>
        {
            if (s.Status != IncidentStatus.Registered || s.Delivered || s.Tracker != Self)
            {
                return null;
            }

            if (s.AwaitingRoute)
            {
                // Given back by the desk below as not its own: this desk decides where it goes (POST …/route).
                return [new CaseChange(IncidentAction.Acknowledge, _desk.Actor,
                    $"returned by {s.ReturnedBy[^1]}: waiting to be routed to the desk it belongs to", NoticeFor: Self)];
            }

            var category = catalog.Get(s.Category);
            var why = s.DispatchedAt is null && s.ReturnedBy.Count == 0
                ? $"access list: '{category.Code}' is owned by {category.Owner}"
                : s.ReturnedBy.Count > 0 && Self == ReturnRouting.FallbackDesk(s.Placement.Path)
                    ? $"fallback (兜底) after returns by {string.Join(", ", s.ReturnedBy)}"
                    : "routed here";
            var dispatch = DispatchToSelf(s, why, notice: false);

            // The immediate notice upward goes once, when the case first comes in.
            return s.DispatchedAt is null && _desk.NoticeUpward(s) is { } notice ? [dispatch, notice] : [dispatch];
        });
    }

    /// <summary>
    /// A unit has nobody to hand the case on to: the missed signature goes up at once, and the unit
    /// gets a fresh window, so each further miss climbs one more level.
    /// </summary>
    async Task IDeskPolicy.OnAcceptMissed(CaseState missed) =>
        await _desk.Record(missed.Id, s =>
        {
            if (s.Status != IncidentStatus.Dispatched || s.AcceptDue is not { } due || due > time.Now)
            {
                return null;
            }

            var reason = $"accept deadline {due:u} missed by {Self}";
            var again = DispatchToSelf(s, $"{reason}; new accept window", notice: true);
            return _desk.Escalation(s, reason) is { } up ? [up, again] : [again];
        });

    /// <summary>A unit desk gives no on-site checks: a held report that reaches it is filed at once (<see cref="IDeskPolicy.TakeIn"/>).</summary>
    Task IDeskPolicy.OnConfirmMissed(CaseState missed) => Task.CompletedTask;

    /// <summary>
    /// A unit that rejects its case (退单) has nobody to hand it on to: the case goes back to the level
    /// that routes it (<see cref="ReturnRouting"/>) — never left in this desk's queue with nobody on it.
    /// </summary>
    async Task IDeskPolicy.OnReturned(CaseState before, CaseState after, CaseEvent? cause)
    {
        var returned = await _desk.Record(after.Id, s =>
        {
            if (s.Status != IncidentStatus.Registered || s.Tracker != Self || s.AwaitingRoute)
            {
                return null;
            }

            var to = ReturnRouting.Destination(s);
            var why = cause?.Reason is { } reason ? $"{Self} rejected it: {reason}" : $"{Self} gave it back";
            return [new CaseChange(IncidentAction.Return, _desk.Actor,
                to.Fallback ? $"returned by {to.From}, to {to.To} as fallback (兜底): {why}" : $"returned by {to.From} to {to.To}: {why}", to, to.To)];
        });
        if (returned is { IsOpen: true } r && r.Tracker != Self && !r.Delivered)
        {
            await _desk.Deliver(r.Id, r.Tracker, publisher);
        }
    }

    private CaseChange DispatchToSelf(CaseState s, string reason, bool notice) =>
        new(s.Status == IncidentStatus.Registered ? IncidentAction.Dispatch : IncidentAction.Reassign,
            _desk.Actor,
            $"to {Self}: {reason}",
            new AssignData(Assignee.Unit(Self), IncidentDeadlines.AcceptDue(catalog.Get(s.Category), time.Now, calendar.Current)),
            notice ? Self : null);

    /// <summary>Department desks exist for every department of the catalog without being set up.</summary>
    private string? DefaultName() =>
        Self.Level == OrgLevel.Department && catalog.TryGetDepartment(Self.Id, out var department)
            ? $"{department.NameEn} / {department.NameZh}"
            : null;
}
