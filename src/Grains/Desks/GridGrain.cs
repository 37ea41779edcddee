using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Territory;
using Dispatch.Workforce;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dispatch.Desks;

[GenerateSerializer, Alias("Dispatch.RosterMember")]
public sealed record RosterMember(
    [property: Id(0)] WorkerProfile Profile,
    [property: Id(1)] bool OnDuty,
    [property: Id(2)] long LastAssigned);

[GenerateSerializer, Alias("Dispatch.GridState")]
public sealed class GridState
{
    [Id(0)] public GridSetup? Setup { get; set; }
    [Id(1)] public Dictionary<string, RosterMember> Roster { get; set; } = [];
    [Id(2)] public CaseBookState Book { get; set; } = new();
    [Id(3)] public List<DeskNotice> Notices { get; set; } = [];
    /// <summary>Counts assignments, so the least recently assigned worker can be preferred.</summary>
    [Id(4)] public long AssignmentSequence { get; set; }
}

/// <summary>
/// The grid leader's desk. Takes incidents in from the grid's intake stream (implicit
/// subscription), merges duplicates, assigns on-duty skilled workers by least load, re-dispatches
/// on reject and on a missed accept deadline, and escalates when the resolve clock runs out.
/// </summary>
[GrainType("grid")]
[ImplicitStreamSubscription(StreamNames.GridIntake)]
public sealed partial class GridGrain(
    [PersistentState("grid")] IPersistentState<GridState> state,
    CategoryCatalog catalog,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger<GridGrain> logger)
    : TrackingDesk(catalog, time, options, logger), IGridGrain, IStreamSubscriptionObserver
{
    private CaseBook? _book;
    private IGridGrain? _self;

    private string GridId => this.GetPrimaryKeyString();

    protected override DeskRef Self => DeskRef.Grid(GridId);

    protected override CaseBook Book => _book ??= new CaseBook(state.State.Book);

    protected override List<DeskNotice> Notices => state.State.Notices;

    protected override Task SaveAsync() => state.WriteStateAsync();

    protected override Task WakeThroughRuntime() => (_self ??= this.AsReference<IGridGrain>()).Wake();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<IncidentRouted>().ResumeAsync((message, _) => TakeIn(message.IncidentId));

    public async Task Configure(GridSetup setup)
    {
        if (setup.Grid.Id != GridId)
        {
            throw new ValidationFailedException("grid.id", $"Setup for grid '{setup.Grid.Id}' sent to grid '{GridId}'.");
        }

        state.State.Setup = setup;
        await SaveAsync();
    }

    public Task<GridDesk?> GetDesk()
    {
        if (state.State.Setup is not { } setup)
        {
            return Task.FromResult<GridDesk?>(null);
        }

        var roster = state.State.Roster.Values
            .OrderBy(m => m.Profile.Id, StringComparer.Ordinal)
            .Select(m => new RosterEntry(m.Profile with { OnDuty = m.OnDuty }, m.OnDuty, Book.OpenLoadOf(m.Profile.Id)))
            .ToArray();
        var open = Book.Open.OrderBy(e => e.RegisteredAt).ToArray();
        return Task.FromResult<GridDesk?>(new GridDesk(GridId, setup.Grid.Name, setup.Path, roster, open,
            state.State.Notices.ToArray(), Book.Statistics(Time.Now)));
    }

    public Task<CaseStatistics> GetStatistics() => Task.FromResult(Book.Statistics(Time.Now));

    public async Task UpsertWorker(WorkerProfile profile)
    {
        if (profile.GridId != GridId)
        {
            throw new ValidationFailedException("gridId", $"Worker '{profile.Id}' belongs to grid '{profile.GridId}', not '{GridId}'.");
        }

        var lastAssigned = state.State.Roster.TryGetValue(profile.Id, out var existing) ? existing.LastAssigned : 0;
        state.State.Roster[profile.Id] = new RosterMember(profile, profile.OnDuty, lastAssigned);
        await SaveAsync();
        if (profile.OnDuty)
        {
            await DispatchWaiting();
        }
    }

    public async Task ChangeDuty(string workerId, bool onDuty)
    {
        if (!state.State.Roster.TryGetValue(workerId, out var member))
        {
            throw new NotFoundException("worker on this grid", workerId);
        }

        state.State.Roster[workerId] = member with { OnDuty = onDuty, Profile = member.Profile with { OnDuty = onDuty } };
        await SaveAsync();
        LogDutyChanged(Logger, GridId, workerId, onDuty);

        if (onDuty)
        {
            await DispatchWaiting();
            return;
        }

        // Off duty: cases not yet accepted go back and on to someone who is on duty.
        var handBack = Book.Open
            .Where(e => e.Status == IncidentStatus.Dispatched && e.Assignee?.WorkerId == workerId)
            .ToArray();
        foreach (var entry in handBack)
        {
            var view = await IncidentOf(GrainFactory, entry.IncidentId).Get();
            if (view is null || view.Status != IncidentStatus.Dispatched || view.Assignee?.WorkerId != workerId)
            {
                continue;
            }

            await Redispatch(entry, view, entry.PassedOver, $"{workerId} went off duty before accepting");
        }

        await SaveAsync();
        await AfterChange();
    }

    public async Task<IncidentView> Reassign(string incidentId, string? workerId, ActorRef actor, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "A reassignment needs a reason.");
        }

        if (Book.Find(incidentId) is not { } entry)
        {
            throw new NotFoundException("open incident on this grid", incidentId);
        }

        var incident = IncidentOf(GrainFactory, incidentId);
        var view = await incident.Get() ?? throw new NotFoundException("incident", incidentId);
        RosterMember? target;
        if (workerId is not null)
        {
            if (!state.State.Roster.TryGetValue(workerId, out target))
            {
                throw new ValidationFailedException("workerId", $"Worker '{workerId}' is not on the roster of grid '{GridId}'.");
            }

            if (!target.OnDuty)
            {
                throw new ValidationFailedException("workerId", $"Worker '{workerId}' is off duty.");
            }
        }
        else
        {
            var current = view.Assignee?.WorkerId;
            target = Pick(view.Category, current is null ? entry.PassedOver : [.. entry.PassedOver, current])
                ?? throw new ValidationFailedException("workerId", $"No other on-duty worker on grid '{GridId}' has the skill for '{view.Category}'.");
        }

        view = await incident.Dispatch(Assignee.Worker(target.Profile.Id), actor, reason.Trim());
        MarkAssigned(target);
        Book.Apply(view);
        await SaveAsync();
        await AfterChange();
        return view;
    }

    public Task<IReadOnlyList<CaseEntry>> GetAssignments(string workerId) =>
        Task.FromResult<IReadOnlyList<CaseEntry>>(Book.Open
            .Where(e => e.Assignee?.WorkerId == workerId)
            .OrderBy(e => e.RegisteredAt)
            .ToArray());

    /// <summary>
    /// Takes one incident in. Idempotent: a re-driven or repeated delivery of a case already
    /// taken in changes nothing. The desk's book is written before the incident is told, so a
    /// crash in between is finished by the re-drive rather than forgotten.
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
        if (Book.FindDuplicateOf(incidentId, view.Placement.BuildingId, view.Category) is { } primary)
        {
            await IncidentOf(GrainFactory, primary.IncidentId).AddReporter(view.Reporters[0], incidentId);
            await incident.MergeInto(primary.IncidentId, ActorRef.System($"grid:{GridId}"));
            Book.CountMerged();
            AddNotice(incidentId, $"merged into {primary.IncidentId}: same building and category");
            await SaveAsync();
            return;
        }

        var now = Time.Now;
        var worker = Pick(category.Code, []);
        if (worker is not null)
        {
            Book.Plan(CaseBook.ToEntry(view, []) with
            {
                Status = IncidentStatus.Dispatched,
                Assignee = Assignee.Worker(worker.Profile.Id),
                AcceptDue = IncidentDeadlines.AcceptDue(category, now),
            });
            MarkAssigned(worker);
            await SaveAsync();
            view = await incident.Dispatch(Assignee.Worker(worker.Profile.Id), ActorRef.System($"grid:{GridId}"),
                $"on duty with skill '{category.Skill}', open load {Book.OpenLoadOf(worker.Profile.Id) - 1}");
        }
        else
        {
            Book.Plan(CaseBook.ToEntry(view, []));
            var text = $"no on-duty worker with skill '{category.Skill}': waiting for dispatch";
            AddNotice(incidentId, text);
            await SaveAsync();
            view = await incident.Acknowledge(Self, text);
        }

        Book.Apply(view);
        if (category.NotifyUpward)
        {
            await NotifyUpward(view);
        }

        await AfterChange();
    }

    protected override async Task<IncidentView> OnAcceptMissed(CaseEntry entry, IncidentView view)
    {
        var missedBy = view.Assignee?.WorkerId;
        AddNotice(view.Id, $"accept deadline missed by {missedBy}");
        var passedOver = missedBy is null ? entry.PassedOver : [.. entry.PassedOver, missedBy];
        return await Redispatch(entry, view, passedOver, $"accept deadline {view.AcceptDue:u} missed by {missedBy}");
    }

    protected override async Task<IncidentView> OnReturned(CaseEntry? previous, IncidentView view)
    {
        var rejectedBy = previous?.Assignee?.WorkerId;
        var passedOver = previous?.PassedOver ?? [];
        if (rejectedBy is not null)
        {
            passedOver = [.. passedOver, rejectedBy];
            AddNotice(view.Id, $"rejected by {rejectedBy}: {view.Timeline[^1].Reason}");
        }

        Book.Apply(view, passedOver);
        return await TryDispatch(view, passedOver, rejectedBy is null ? "re-dispatch" : $"re-dispatch after {rejectedBy} rejected");
    }

    /// <summary>Gives a dispatched case to the next eligible worker, or takes it back to wait when nobody is.</summary>
    private async Task<IncidentView> Redispatch(CaseEntry entry, IncidentView view, IReadOnlyList<string> passedOver, string reason)
    {
        var incident = IncidentOf(GrainFactory, view.Id);
        var current = view.Assignee?.WorkerId;
        var next = Pick(view.Category, current is null ? passedOver : [.. passedOver, current]);
        if (next is not null)
        {
            view = await incident.Dispatch(Assignee.Worker(next.Profile.Id), ActorRef.System($"grid:{GridId}"), reason);
            MarkAssigned(next);
        }
        else
        {
            view = await incident.Recall(ActorRef.System($"grid:{GridId}"), $"{reason}; no other on-duty worker has the skill");
            AddNotice(view.Id, $"waiting for dispatch: {reason}");
        }

        Book.Apply(view, passedOver);
        return view;
    }

    private async Task<IncidentView> TryDispatch(IncidentView view, IReadOnlyList<string> passedOver, string reason)
    {
        var worker = Pick(view.Category, passedOver);
        if (worker is null)
        {
            AddNotice(view.Id, $"no eligible on-duty worker for '{view.Category}': waiting for dispatch");
            return view;
        }

        view = await IncidentOf(GrainFactory, view.Id).Dispatch(Assignee.Worker(worker.Profile.Id), ActorRef.System($"grid:{GridId}"), reason);
        MarkAssigned(worker);
        Book.Apply(view, passedOver);
        return view;
    }

    /// <summary>Dispatches the cases waiting on this desk, oldest first, to whoever is now eligible.</summary>
    private async Task DispatchWaiting()
    {
        var waiting = Book.Open
            .Where(e => e.Status == IncidentStatus.Registered)
            .OrderBy(e => e.RegisteredAt)
            .ToArray();
        if (waiting.Length == 0)
        {
            return;
        }

        foreach (var entry in waiting)
        {
            var view = await IncidentOf(GrainFactory, entry.IncidentId).Get();
            if (view is not null && view.Status == IncidentStatus.Registered)
            {
                await TryDispatch(view, entry.PassedOver, "a worker with the skill came on duty");
            }
        }

        await SaveAsync();
        await AfterChange();
    }

    private RosterMember? Pick(string categoryCode, IReadOnlyCollection<string> passedOver)
    {
        var skill = Catalog.Get(categoryCode).Skill;
        var pick = AssignmentPolicy.Pick(
            state.State.Roster.Values.Select(m => new Candidate(m.Profile, m.OnDuty, Book.OpenLoadOf(m.Profile.Id), m.LastAssigned)),
            skill,
            passedOver);
        return pick is null ? null : state.State.Roster[pick.Worker.Id];
    }

    private void MarkAssigned(RosterMember member) =>
        state.State.Roster[member.Profile.Id] = member with { LastAssigned = ++state.State.AssignmentSequence };

    [LoggerMessage(3001, LogLevel.Information, "Grid {GridId}: worker {WorkerId} on duty = {OnDuty}")]
    private static partial void LogDutyChanged(ILogger logger, string gridId, string workerId, bool onDuty);
}
