using Dispatch.Incidents;
using Microsoft.Extensions.Logging;

namespace Dispatch.Desks;

/// <summary>
/// A desk's clock: the deadlines of its open cases in a wheel, one in-memory timer armed for the
/// earliest, and one reminder held only while any deadline is pending, so that a desk whose silo
/// died is brought back (the survivors also wake desks at once: <see cref="Hosting.DeskWaker"/>).
/// The timer's callback goes through the runtime as an ordinary call to the desk's Wake.
/// </summary>
public sealed partial class DeskClock(Grain desk, DispatchTime time, Func<Task> wakeThroughRuntime, ILogger logger) : IDisposable
{
    private readonly Grain _desk = desk;
    private readonly ILogger _logger = logger;

    private const string ReminderName = "deadlines";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestTimerWait = TimeSpan.FromHours(12);

    /// <summary>How long a deadline whose handling failed waits before it is tried again.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    private readonly DeadlineWheel _wheel = new();
    private ITimer? _timer;
    private DateTimeOffset? _timerArmedFor;
    private bool _reminderHeld;

    public bool HasDeadlines => _wheel.Count > 0;

    public DateTimeOffset? NextDue => _wheel.NextDue;

    /// <summary>
    /// Sets the deadlines of one case as its state says: the on-site check while a worker has it,
    /// sign-for while dispatched, first contact until the resident is reached, resolve and each
    /// supervision window, its co-units' parts, and a parked case's review date.
    /// </summary>
    public void Schedule(CaseState state)
    {
        _wheel.Set(state.Id, DeadlineKind.Accept, state.IsOpen && state.Status == IncidentStatus.Dispatched ? state.AcceptDue : null);
        _wheel.Set(state.Id, DeadlineKind.Confirm, state.Status == IncidentStatus.AwaitingConfirmation && state.Assignee is not null ? state.ConfirmDue : null);
        _wheel.Set(state.Id, DeadlineKind.Contact, state.PendingContactDue);
        _wheel.Set(state.Id, DeadlineKind.Review, state.PendingReviewOn);
        var escalation = state.Status.IsAwaitingResult() ? state.EscalationDue : null;
        _wheel.Set(state.Id, DeadlineKind.Escalate, escalation == state.EscalationSpent ? null : escalation);
        _wheel.Set(state.Id, DeadlineKind.Part, state.NextPartDue);
    }

    public void Clear(string caseId) => _wheel.Clear(caseId);

    public void Postpone(string caseId, DeadlineKind kind, DateTimeOffset until) => _wheel.Set(caseId, kind, until);

    public List<(string CaseId, DeadlineKind Kind, DateTimeOffset Due)> TakeDue(DateTimeOffset now) => _wheel.TakeDue(now);

    /// <summary>Re-arms the timer for the earliest deadline and holds the reminder only while deadlines are pending.</summary>
    public async Task Rearm()
    {
        var wanted = HasDeadlines;
        if (wanted != _reminderHeld)
        {
            if (wanted)
            {
                await _desk.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            }
            else if (await _desk.GetReminder(ReminderName) is { } reminder)
            {
                await _desk.UnregisterReminder(reminder);
            }

            _reminderHeld = wanted;
        }

        ArmTimer();
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void ArmTimer()
    {
        var next = _wheel.NextDue;
        if (next is null)
        {
            Dispose();
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
            Dispose();
            _timerArmedFor = null;
            OnTimer();
            return;
        }

        wait = wait > LongestTimerWait ? LongestTimerWait : wait;
        _timerArmedFor = next;
        if (_timer is null)
        {
            _timer = time.Provider.CreateTimer(static s => ((DeskClock)s!).OnTimer(), this, wait, Timeout.InfiniteTimeSpan);
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
        wakeThroughRuntime().ContinueWith(
            static (t, s) => LogWakeFailed(((DeskClock)s!)._logger, t.Exception!, ((DeskClock)s!)._desk.GetGrainId().ToString()),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    [LoggerMessage(2004, LogLevel.Warning, "Desk {Desk}: waking for deadlines failed; the reminder will retry")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string desk);
}
