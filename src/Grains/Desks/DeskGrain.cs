using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dispatch.Desks;

[GenerateSerializer, Alias("Dispatch.DeskState")]
public sealed class DeskState
{
    [Id(0)] public DeskSetup? Setup { get; set; }
    [Id(1)] public CaseBookState Book { get; set; } = new();
    [Id(2)] public Dictionary<string, EscalatedCase> Escalated { get; set; } = [];
    [Id(3)] public List<DeskNotice> Notices { get; set; } = [];
}

/// <summary>
/// An area desk (community, street, district, city) or a department desk. Takes in the cases the
/// access list routes to it and works them as a unit; lists the cases the clock escalates to it;
/// rolls statistics up from the desks below.
/// </summary>
[GrainType("desk")]
[ImplicitStreamSubscription(StreamNames.DeskIntake)]
[ImplicitStreamSubscription(StreamNames.Escalations)]
public sealed partial class DeskGrain(
    [PersistentState("desk")] IPersistentState<DeskState> state,
    CategoryCatalog catalog,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger<DeskGrain> logger)
    : TrackingDesk(catalog, time, options, logger), IDeskGrain, IStreamSubscriptionObserver
{
    private CaseBook? _book;
    private IDeskGrain? _self;
    private DeskRef? _deskRef;

    protected override DeskRef Self => _deskRef ??= DeskRef.Parse(this.GetPrimaryKeyString());

    protected override CaseBook Book => _book ??= new CaseBook(state.State.Book);

    protected override List<DeskNotice> Notices => state.State.Notices;

    protected override Task SaveAsync() => state.WriteStateAsync();

    protected override Task WakeThroughRuntime() => (_self ??= this.AsReference<IDeskGrain>()).Wake();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        if (handleFactory.StreamId.GetNamespace() == StreamNames.Escalations)
        {
            await handleFactory.Create<EscalationNotice>().ResumeAsync((notice, _) => OnEscalation(notice));
        }
        else
        {
            await handleFactory.Create<IncidentRouted>().ResumeAsync((message, _) => TakeIn(message.IncidentId));
        }
    }

    public async Task Configure(DeskSetup setup)
    {
        if (setup.Desk != Self)
        {
            throw new ValidationFailedException("desk", $"Setup for desk '{setup.Desk}' sent to desk '{Self}'.");
        }

        state.State.Setup = setup;
        await SaveAsync();
    }

    public Task<AreaDesk?> GetDesk()
    {
        var setup = state.State.Setup;
        var name = setup?.Name ?? DefaultName();
        if (setup is null && name is null)
        {
            return Task.FromResult<AreaDesk?>(null);
        }

        return Task.FromResult<AreaDesk?>(new AreaDesk(
            Self,
            name!,
            setup?.Parent,
            setup?.Children ?? [],
            Book.Open.OrderBy(e => e.RegisteredAt).ToArray(),
            state.State.Escalated.Values.OrderBy(e => e.At).ToArray(),
            state.State.Notices.ToArray()));
    }

    public async Task<CaseStatistics> GetStatistics()
    {
        var own = Book.Statistics(Time.Now);
        var children = state.State.Setup?.Children ?? [];
        var below = await Task.WhenAll(children.Select(child => child.Level == OrgLevel.Grid
            ? GrainFactory.GetGrain<IGridGrain>(child.Id).GetStatistics()
            : GrainFactory.GetGrain<IDeskGrain>(child.Key).GetStatistics()));
        return below.Aggregate(own, static (sum, s) => sum.Add(s));
    }

    private async Task OnEscalation(EscalationNotice notice)
    {
        switch (notice.Kind)
        {
            case EscalationKind.Escalated:
                state.State.Escalated[notice.IncidentId] = new EscalatedCase(
                    notice.IncidentId, notice.Category, notice.Tracker, notice.Path, notice.At, notice.Reason);
                AddNotice(notice.IncidentId, $"escalated here from {notice.Tracker}: {notice.Reason}");
                break;
            case EscalationKind.Cleared:
                if (!state.State.Escalated.Remove(notice.IncidentId))
                {
                    return;
                }

                break;
            case EscalationKind.Notified:
                AddNotice(notice.IncidentId, $"from {notice.Tracker}: {notice.Reason}");
                break;
        }

        await SaveAsync();
    }

    /// <summary>
    /// Takes in a case the access list routed here; the desk works it as a unit. Idempotent, and the
    /// book is written before the incident is told, as on a grid.
    /// </summary>
    private async Task TakeIn(string incidentId)
    {
        var incident = IncidentOf(GrainFactory, incidentId);
        var view = await incident.Get();
        if (view is null || view.Tracker != Self)
        {
            return;
        }

        if (view.Delivered || view.Status != IncidentStatus.Registered)
        {
            if (view.IsOpen && Book.Find(incidentId) is null)
            {
                Book.Apply(view);
                await SaveAsync();
                await AfterChange();
            }

            return;
        }

        var category = Catalog.Get(view.Category);
        var unit = Assignee.Unit(Self);
        Book.Plan(CaseBook.ToEntry(view, []) with
        {
            Status = IncidentStatus.Dispatched,
            Assignee = unit,
            AcceptDue = IncidentDeadlines.AcceptDue(category, Time.Now),
        });
        await SaveAsync();
        view = await incident.Dispatch(unit, ActorRef.System(Self.Key), $"access list: '{category.Code}' is owned by {category.Owner}");
        Book.Apply(view);
        if (category.NotifyUpward)
        {
            await NotifyUpward(view);
        }

        await AfterChange();
    }

    protected override async Task<IncidentView> OnAcceptMissed(CaseEntry entry, IncidentView view)
    {
        // A unit has nobody to hand the case on to: the missed signature goes up at once, and the
        // unit gets a fresh window, so each further miss climbs one more level.
        var missed = $"accept deadline {view.AcceptDue:u} missed by {Self}";
        AddNotice(view.Id, missed);
        view = await EscalateOneLevel(view, missed);
        view = await IncidentOf(GrainFactory, view.Id).Dispatch(Assignee.Unit(Self), ActorRef.System(Self.Key), $"{missed}; new accept window");
        Book.Apply(view);
        return view;
    }

    protected override async Task<IncidentView> OnReturned(CaseEntry? previous, IncidentView view)
    {
        // A unit that returns a case (退单) sends it to the desk above, which decides who owns it.
        var reason = view.Timeline[^1].Reason;
        AddNotice(view.Id, $"returned by {Self}: {reason}");
        return await EscalateOneLevel(view, $"returned by {Self}: {reason}");
    }

    /// <summary>Department desks exist for every department of the catalog without being set up.</summary>
    private string? DefaultName() =>
        Self.Level == OrgLevel.Department && Catalog.TryGetDepartment(Self.Id, out var department)
            ? $"{department.NameEn} / {department.NameZh}"
            : null;
}
