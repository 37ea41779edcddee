using System.Text.RegularExpressions;
using Dispatch.Catalog;
using Dispatch.Errors;
using Dispatch.Incidents;
using Dispatch.Intake;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatch.Visits;

[GenerateSerializer, Alias("Dispatch.VisitPlanState")]
public sealed class VisitPlanState
{
    [Id(0)] public List<VisitSchedule> Visits { get; set; } = [];
    [Id(1)] public DateTimeOffset? UpdatedAt { get; set; }
    [Id(2)] public string? UpdatedBy { get; set; }
}

/// <summary>
/// A grid's visit plan. Its clock is an in-memory timer on the domain clock for the next visit due,
/// and a reminder held while the plan has visits, which brings the plan back after its silo died or
/// it was deactivated. Each occurrence is reported through the intake under a case number derived
/// from the grid, the visit and the occurrence, so a plan that made a case and died before saving
/// that it did makes the same case again, which the incident takes as a resubmission.
/// </summary>
[GrainType("visitplan")]
public sealed partial class VisitPlanGrain(
    [PersistentState("visitplan")] IPersistentState<VisitPlanState> state,
    CategoryCatalog catalog,
    DispatchTime time,
    BuildingCache buildings,
    IOptions<DispatchOptions> options,
    ILogger<VisitPlanGrain> logger) : Grain, IVisitPlanGrain, IRemindable
{
    public const int MaxVisits = 500;
    public const int MaxEveryDays = 366;
    public const int MaxSubjectLength = 200;

    private const string ReminderName = "visits";

    /// <summary>How often the reminder looks in: a plan brought back by it makes a due visit at most this late.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromHours(1);
    private static readonly TimeSpan LongestTimerWait = TimeSpan.FromHours(12);

    /// <summary>How long a visit whose case could not be stored waits before it is tried again.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(30);

    private ITimer? _timer;

    private string GridId => this.GetPrimaryKeyString();

    /// <summary>The category each kind of visit is filed under (the shipped catalog has all three).</summary>
    public static string CategoryOf(VisitKind kind) => kind switch
    {
        VisitKind.KeyPerson => "key-person-visit",
        VisitKind.ElderlyAlone => "elder-care",
        VisitKind.RentedHousing => "floating-population",
        _ => throw new ValidationFailedException("kind", $"'{kind}' is not a kind of visit."),
    };

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmTimer();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task<VisitPlanView> Get() => Task.FromResult(View());

    public async Task<VisitPlanView> Replace(IReadOnlyList<PlannedVisit> visits, ActorRef actor)
    {
        if (await GrainFactory.GetGrain<ITerritoryGrain>(options.Value.CityId).GetGrid(GridId) is null)
        {
            throw new NotFoundException("grid", GridId);
        }

        var checkedVisits = await Check(visits);
        var now = time.Now;
        var kept = state.State.Visits.ToDictionary(v => v.Visit.Id, StringComparer.Ordinal);
        state.State.Visits = checkedVisits.Select(visit =>
            kept.TryGetValue(visit.Id, out var before) && SameSchedule(before.Visit, visit)
                ? before with { Visit = visit }
                : new VisitSchedule(visit, CategoryOf(visit.Kind), FirstDueFrom(visit, now))).ToList();
        state.State.UpdatedAt = now;
        state.State.UpdatedBy = actor.ToString();
        await state.WriteStateAsync();
        await HoldReminder();
        ArmTimer();
        LogPlanReplaced(logger, GridId, state.State.Visits.Count, actor.ToString());
        return View();
    }

    public async Task Wake()
    {
        var now = time.Now;
        var changed = false;
        var storageDown = false;
        for (var i = 0; i < state.State.Visits.Count && !storageDown; i++)
        {
            var schedule = state.State.Visits[i];
            if (schedule.NextDue > now)
            {
                continue;
            }

            // The latest occurrence due: a plan that slept through several makes one visit, not a pile.
            var visit = schedule.Visit;
            var period = TimeSpan.FromDays(visit.EveryDays);
            var due = visit.Start + (period * Math.Floor((now - visit.Start) / period));
            var caseId = IncidentIds.Derived(due, $"{GridId}/{visit.Id}/{due.UtcTicks}");
            string? problem = null;
            try
            {
                await GrainFactory.GetGrain<IIntakeGrain>(0).Report(Report(schedule, due, caseId), ActorRef.System("visit-plan"));
            }
            catch (StorageUnavailableException)
            {
                storageDown = true;
                break;
            }
            catch (DispatchException refused)
            {
                // The building left the map, the catalog dropped the category: this occurrence makes no
                // case, the plan says why, and the next occurrence tries again.
                problem = refused.Message;
                LogVisitRefused(logger, GridId, visit.Id, refused.Message);
            }

            state.State.Visits[i] = schedule with
            {
                NextDue = due + period,
                LastDue = due,
                LastIncidentId = problem is null ? caseId : schedule.LastIncidentId,
                LastProblem = problem,
            };
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        ArmTimer(storageDown ? Retry : null);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Wake();

    private NewReport Report(VisitSchedule schedule, DateTimeOffset due, string caseId)
    {
        var visit = schedule.Visit;
        var description = $"Scheduled visit ({KindText(visit.Kind)}): {visit.Subject}. Due {due:yyyy-MM-dd HH:mm} UTC; every {visit.EveryDays} day(s); visit '{visit.Id}' of grid {GridId}'s plan.";
        return new NewReport(schedule.Category, description, new Reporter($"visit plan of grid {GridId}", null), Channel.Visit,
            new ReportedLocation(visit.BuildingId, null, null, null), caseId);
    }

    private static string KindText(VisitKind kind) => kind switch
    {
        VisitKind.KeyPerson => "key person / 重点人员",
        VisitKind.ElderlyAlone => "elderly resident living alone / 独居老人",
        _ => "rented housing / 出租房屋",
    };

    /// <summary>Checks every visit; refuses the whole plan on the first that is wrong.</summary>
    private async Task<List<PlannedVisit>> Check(IReadOnlyList<PlannedVisit>? visits)
    {
        if (visits is null)
        {
            throw new ValidationFailedException("visits", "Give the plan's visits (an empty list clears the plan).");
        }

        if (visits.Count > MaxVisits)
        {
            throw new ValidationFailedException("visits", $"A grid's plan has at most {MaxVisits} visits, not {visits.Count}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<PlannedVisit>(visits.Count);
        for (var i = 0; i < visits.Count; i++)
        {
            var field = $"visits[{i}]";
            var visit = visits[i] ?? throw new ValidationFailedException(field, "A visit is an object, not null.");
            var id = visit.Id?.Trim() ?? "";
            if (!IdPattern().IsMatch(id))
            {
                throw new ValidationFailedException($"{field}.id", $"'{visit.Id}' is not a visit id: 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (!ids.Add(id))
            {
                throw new ValidationFailedException($"{field}.id", $"Visit id '{id}' appears twice in the plan.");
            }

            if (!Enum.IsDefined(visit.Kind))
            {
                throw new ValidationFailedException($"{field}.kind", "The kind is KeyPerson, ElderlyAlone or RentedHousing.");
            }

            if (!catalog.TryGet(CategoryOf(visit.Kind), out _))
            {
                throw new ValidationFailedException($"{field}.kind", $"The catalog has no category '{CategoryOf(visit.Kind)}' for {visit.Kind} visits.");
            }

            var subject = CaseText.Optional($"{field}.subject", visit.Subject, MaxSubjectLength)
                ?? throw new ValidationFailedException($"{field}.subject", "Say who or what to visit.");
            if (visit.EveryDays is < 1 or > MaxEveryDays)
            {
                throw new ValidationFailedException($"{field}.everyDays", $"everyDays is a whole number of days from 1 to {MaxEveryDays}.");
            }

            if (visit.Start.Year is < 2000 or > 2100)
            {
                throw new ValidationFailedException($"{field}.start", $"'{visit.Start:O}' is not a start date this plan can use (2000 to 2100).");
            }

            var buildingId = CaseText.Optional($"{field}.buildingId", visit.BuildingId, CaseText.MaxIdLength)
                ?? throw new ValidationFailedException($"{field}.buildingId", "Name the building to visit.");
            var building = await buildings.Find(buildingId)
                ?? throw new ValidationFailedException($"{field}.buildingId", $"There is no building '{buildingId}'.");
            if (building.Path.GridId != GridId)
            {
                throw new ValidationFailedException($"{field}.buildingId", $"Building '{buildingId}' is in grid '{building.Path.GridId}', not '{GridId}'.");
            }

            result.Add(visit with { Id = id, Subject = subject, BuildingId = buildingId });
        }

        return result;
    }

    private static bool SameSchedule(PlannedVisit a, PlannedVisit b) => a.Kind == b.Kind && a.Start == b.Start && a.EveryDays == b.EveryDays;

    /// <summary>The start, or the first occurrence from <paramref name="now"/> on when the start is past.</summary>
    public static DateTimeOffset FirstDueFrom(PlannedVisit visit, DateTimeOffset now)
    {
        if (visit.Start >= now)
        {
            return visit.Start;
        }

        var period = TimeSpan.FromDays(visit.EveryDays);
        return visit.Start + (period * Math.Ceiling((now - visit.Start) / period));
    }

    private VisitPlanView View() => new(GridId, state.State.Visits, state.State.UpdatedAt, state.State.UpdatedBy);

    private async Task HoldReminder()
    {
        if (state.State.Visits.Count > 0)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void ArmTimer(TimeSpan? retry = null)
    {
        _timer?.Dispose();
        _timer = null;
        if (state.State.Visits.Count == 0)
        {
            return;
        }

        var next = state.State.Visits.Min(v => v.NextDue);
        var wait = retry ?? next - time.Now;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestTimerWait ? LongestTimerWait : wait;
        var self = this.AsReference<IVisitPlanGrain>();
        // Runs on a timer thread: the wake goes through the runtime as an ordinary call.
        _timer = time.Provider.CreateTimer(_ => self.Wake().ContinueWith(
            t => LogWakeFailed(logger, t.Exception!, GridId), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default),
            null, wait, Timeout.InfiniteTimeSpan);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    [LoggerMessage(7001, LogLevel.Information, "Grid {GridId}: visit plan replaced by {Actor}, {Count} visit(s)")]
    private static partial void LogPlanReplaced(ILogger logger, string gridId, int count, string actor);

    [LoggerMessage(7002, LogLevel.Warning, "Grid {GridId}: visit {VisitId} made no case: {Reason}")]
    private static partial void LogVisitRefused(ILogger logger, string gridId, string visitId, string reason);

    [LoggerMessage(7003, LogLevel.Warning, "Grid {GridId}: waking the visit plan failed; the reminder will retry")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string gridId);
}
