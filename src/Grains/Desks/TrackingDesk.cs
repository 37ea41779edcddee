using Dispatch.Catalog;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Dispatch.Desks;

/// <summary>
/// What every desk that tracks cases shares — a grid's desk and an area or department desk: the
/// case book, the deadline wheel with one in-memory timer armed for the earliest deadline, one
/// reminder while deadlines are pending (so a desk whose silo died comes back), and escalation.
/// </summary>
public abstract partial class TrackingDesk(
    CategoryCatalog catalog,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    ILogger logger) : Grain, IRemindable
{
    private const string DeadlineReminder = "deadlines";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestTimerWait = TimeSpan.FromHours(12);
    private static readonly TimeSpan DeadlineRetry = TimeSpan.FromSeconds(5);

    private ITimer? _timer;
    private DateTimeOffset? _timerArmedFor;
    private bool _reminderRegistered;

    protected CategoryCatalog Catalog => catalog;

    protected DispatchTime Time => time;

    protected DispatchOptions Options => options.Value;

    protected ILogger Logger => logger;

    /// <summary>This desk.</summary>
    protected abstract DeskRef Self { get; }

    protected abstract CaseBook Book { get; }

    protected abstract List<DeskNotice> Notices { get; }

    protected abstract Task SaveAsync();

    /// <summary>Calls this desk's own Wake through the runtime, so the timer's callback runs as a grain turn.</summary>
    protected abstract Task WakeThroughRuntime();

    /// <summary>The accept clock ran out on a dispatched case.</summary>
    protected abstract Task<IncidentView> OnAcceptMissed(CaseEntry entry, IncidentView view);

    /// <summary>A case came back to the desk unassigned (rejected, recalled elsewhere).</summary>
    protected abstract Task<IncidentView> OnReturned(CaseEntry? previous, IncidentView view);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);

        // Deadlines that passed while the desk was away fire now; the rest re-arm the timer.
        if (Book.HasDeadlines)
        {
            await UpdateReminder();
            ArmTimer();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Wake();

    /// <summary>Fires every deadline that is due, earliest first.</summary>
    public async Task Wake()
    {
        var now = time.Now;
        var due = Book.TakeDue(now);
        foreach (var (caseId, kind, _) in due)
        {
            try
            {
                await HandleDue(caseId, kind, now);
            }
            catch (Exception ex)
            {
                LogDeadlineFailed(logger, ex, Self.Key, caseId, kind);
                // Try again shortly rather than lose the deadline (or spin on a failing call).
                Book.Postpone(caseId, kind, now + DeadlineRetry);
            }
        }

        if (due.Count > 0)
        {
            await SaveAsync();
        }

        await AfterChange();
    }

    /// <summary>Applies a worker's or operator's change that the incident told this desk about.</summary>
    public async Task OnIncidentChanged(IncidentView view)
    {
        if (Book.IsStale(view) || view.Tracker != Self)
        {
            return;
        }

        var previous = Book.Apply(view);
        if (view.Status == IncidentStatus.Registered && previous?.Status != IncidentStatus.Registered)
        {
            await OnReturned(previous, view);
        }

        if (previous is not null && previous.Status.IsAwaitingResult() && !view.Status.IsAwaitingResult())
        {
            // The case has its result or ended: the desks above may take it off their lists.
            await PublishToEscalated(previous.EscalatedTo, view, EscalationKind.Cleared, $"{view.Status.ToString().ToLowerInvariant()}");
        }

        await SaveAsync();
        await AfterChange();
    }

    /// <summary>Re-arms the timer for the earliest deadline and keeps the reminder only while deadlines are pending.</summary>
    protected async Task AfterChange()
    {
        await UpdateReminder();
        ArmTimer();
    }

    protected void AddNotice(string? incidentId, string text)
    {
        Notices.Insert(0, new DeskNotice(time.Now, incidentId, text));
        if (Notices.Count > Options.NoticesKept)
        {
            Notices.RemoveRange(Options.NoticesKept, Notices.Count - Options.NoticesKept);
        }
    }

    protected static IIncidentGrain IncidentOf(IGrainFactory factory, string id) => factory.GetGrain<IIncidentGrain>(id);

    /// <summary>Publishes an emergency's immediate notice to the desk one level up.</summary>
    protected Task NotifyUpward(IncidentView view)
    {
        var above = EscalationChain.Next(view.Placement.Path, Self, []);
        return above is { } desk
            ? Publish(desk, new EscalationNotice(EscalationKind.Notified, view.Id, view.Category, Self, view.Placement.Path, time.Now,
                $"{catalog.Get(view.Category).NameEn}: immediate notice"))
            : Task.CompletedTask;
    }

    private async Task HandleDue(string caseId, DeadlineKind kind, DateTimeOffset now)
    {
        if (Book.Find(caseId) is null)
        {
            return;
        }

        // The incident is the truth: act on what it says now, not on what the book last heard.
        var view = await IncidentOf(GrainFactory, caseId).Get();
        if (view is null)
        {
            return;
        }

        var previous = Book.Apply(view);
        var entry = Book.Find(caseId);
        if (entry is null)
        {
            if (previous is not null)
            {
                await PublishToEscalated(previous.EscalatedTo, view, EscalationKind.Cleared, view.Status.ToString().ToLowerInvariant());
            }

            return;
        }

        if (kind == DeadlineKind.Accept && view.Status == IncidentStatus.Dispatched && view.AcceptDue <= now)
        {
            view = await OnAcceptMissed(entry, view);
        }
        else if (kind == DeadlineKind.Escalate && view.Status.IsAwaitingResult() && entry.EscalationDue <= now)
        {
            view = await EscalateOneLevel(view, view.Escalations.Count == 0
                ? $"resolve deadline {view.ResolveDue:u} missed"
                : $"supervision window at {view.Escalations[^1].Desk} missed");
        }
    }

    /// <summary>Sends a case one level up the chain and lists it at that desk.</summary>
    protected async Task<IncidentView> EscalateOneLevel(IncidentView view, string reason)
    {
        if (EscalationChain.Next(view.Placement.Path, Self, view.Escalations) is not { } next)
        {
            // Nobody above (a case the city desk owns): say so once instead of firing again and again.
            if (Book.Find(view.Id)?.EscalationDue is { } due && Book.MarkExhausted(view.Id, due))
            {
                AddNotice(view.Id, $"{reason}; there is no level above {Self}");
            }

            return view;
        }

        view = await IncidentOf(GrainFactory, view.Id).Escalate(next, reason);
        Book.Apply(view);
        LogEscalated(logger, view.Id, Self.Key, next.Key);
        await Publish(next, new EscalationNotice(EscalationKind.Escalated, view.Id, view.Category, Self, view.Placement.Path, time.Now, reason));
        return view;
    }

    private async Task PublishToEscalated(IReadOnlyList<DeskRef> desks, IncidentView view, EscalationKind kind, string reason)
    {
        foreach (var desk in desks)
        {
            await Publish(desk, new EscalationNotice(kind, view.Id, view.Category, Self, view.Placement.Path, time.Now, reason));
        }
    }

    private async Task Publish(DeskRef desk, EscalationNotice notice)
    {
        try
        {
            await this.GetStreamProvider(StreamNames.Provider)
                .GetStream<EscalationNotice>(StreamId.Create(StreamNames.Escalations, desk.Key))
                .OnNextAsync(notice);
        }
        catch (Exception ex)
        {
            // The escalation itself is on the incident's timeline; the desk listing is a view of it.
            LogPublishFailed(logger, ex, notice.IncidentId, desk.Key);
        }
    }

    private async Task UpdateReminder()
    {
        var wanted = Book.HasDeadlines;
        if (wanted == _reminderRegistered)
        {
            return;
        }

        if (wanted)
        {
            await this.RegisterOrUpdateReminder(DeadlineReminder, ReminderPeriod, ReminderPeriod);
        }
        else if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderRegistered = wanted;
    }

    private void ArmTimer()
    {
        var next = Book.NextDue;
        if (next is null)
        {
            _timer?.Dispose();
            _timer = null;
            _timerArmedFor = null;
            return;
        }

        if (_timer is not null && _timerArmedFor == next)
        {
            return;
        }

        var wait = next.Value - time.Now;
        if (wait <= TimeSpan.Zero)
        {
            // Already due (a desk back from deactivation, a deadline that passed mid-turn): wake
            // right after this turn rather than wait for a timer tick.
            _timer?.Dispose();
            _timer = null;
            _timerArmedFor = null;
            OnTimer();
            return;
        }

        wait = wait > LongestTimerWait ? LongestTimerWait : wait;
        _timerArmedFor = next;
        if (_timer is null)
        {
            _timer = time.Provider.CreateTimer(static s => ((TrackingDesk)s!).OnTimer(), this, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        // Runs on a timer thread: the wake goes through the runtime as an ordinary call.
        _timerArmedFor = null;
        WakeThroughRuntime().ContinueWith(
            static (t, s) => LogWakeFailed(((TrackingDesk)s!).Logger, t.Exception!, ((TrackingDesk)s!).Self.Key),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    [LoggerMessage(2001, LogLevel.Information, "Incident {IncidentId} escalated from {Desk} to {Target}")]
    private static partial void LogEscalated(ILogger logger, string incidentId, string desk, string target);

    [LoggerMessage(2002, LogLevel.Warning, "Desk {Desk}: handling the {Kind} deadline of {IncidentId} failed; retrying")]
    private static partial void LogDeadlineFailed(ILogger logger, Exception exception, string desk, string incidentId, DeadlineKind kind);

    [LoggerMessage(2003, LogLevel.Warning, "Publishing notice on {IncidentId} to desk {Desk} failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string incidentId, string desk);

    [LoggerMessage(2004, LogLevel.Warning, "Desk {Desk}: waking for deadlines failed; the reminder will retry")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string desk);
}
