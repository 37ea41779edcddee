using Dispatch.Catalog;
using Dispatch.Desks;
using Dispatch.Errors;
using Dispatch.Intake;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Dispatch.Incidents;

[GenerateSerializer, Alias("Dispatch.IncidentState")]
public sealed class IncidentState
{
    [Id(0)] public IncidentView? Case { get; set; }
}

[GrainType("incident")]
public sealed partial class IncidentGrain(
    [PersistentState("incident")] IPersistentState<IncidentState> state,
    CategoryCatalog catalog,
    DispatchTime time,
    IOptions<DispatchOptions> options,
    IIntakePublisher publisher,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain
{
    private const int MaxTextLength = 4000;

    private string Id => this.GetPrimaryKeyString();

    public async Task<IncidentView> Register(RegisterIncident command)
    {
        if (state.State.Case is { } existing)
        {
            // A resubmission: make sure the first attempt's delivery is still on its way.
            if (!existing.Delivered && existing.IsOpen)
            {
                await Ledger().Add(Id);
                await PublishIntake(existing);
            }

            return existing;
        }

        var category = catalog.TryGet(command.Category, out var c) ? c
            : throw new ValidationFailedException("category", $"'{command.Category}' is not a category of the catalog.");
        RequireText("description", command.Description);

        var now = time.Now;
        var tracker = OwnerResolver.TrackerFor(category, command.Placement.Path);
        var actor = command.Actor;
        var view = new IncidentView
        {
            Id = Id,
            Status = IncidentStatus.Registered,
            Category = category.Code,
            Description = command.Description.Trim(),
            Channel = command.Channel,
            Reporters = [command.Reporter],
            Placement = command.Placement,
            Tracker = tracker,
            ReportedAt = now,
            ResolveDue = IncidentDeadlines.ResolveDue(category, now),
            Escalations = [],
            Duplicates = [],
            Timeline =
            [
                new TimelineEntry(now, actor, IncidentAction.Report, IncidentStatus.Reported, IncidentStatus.Reported,
                    $"{command.Channel} report: {category.NameEn} / {category.NameZh}"),
                new TimelineEntry(now, actor, IncidentAction.Register, IncidentStatus.Reported, IncidentStatus.Registered,
                    $"located by {command.Placement.Method.ToString().ToLowerInvariant()} to {command.Placement.Path.LowestDesk}; owner {category.Owner}; tracked by {tracker}"),
            ],
            Version = 1,
        };

        // Persisting the case and recording it for re-drive run side by side; both must hold
        // before the caller hears "registered".
        state.State.Case = view;
        var persist = state.WriteStateAsync();
        var record = Ledger().Add(Id);
        try
        {
            await persist;
        }
        catch
        {
            state.State.Case = null;
            _ = record.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }

        // If only the ledger failed, the case is persisted: the caller's retry with the same
        // case number takes the resubmission path above, which records it again.
        await record;

        Announce(view);
        await PublishIntake(view);
        return view;
    }

    /// <summary>
    /// Sends the register the case as it is: a one-way update lost with a silo is mended the next
    /// time the case wakes, and the register ignores a version it already holds.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Case is { } view)
        {
            Register(view);
        }

        return Task.CompletedTask;
    }

    public Task<IncidentView?> Get() => Task.FromResult(state.State.Case);

    public Task<IncidentView> Acknowledge(DeskRef desk, string notice) =>
        Apply(IncidentAction.Notice, ActorRef.System(desk.Key), notice, static (v, _) => v with { Delivered = true }, notifyTracker: false);

    public Task<IncidentView> Dispatch(Assignee to, ActorRef actor, string reason)
    {
        var action = Current.Status == IncidentStatus.Registered ? IncidentAction.Dispatch : IncidentAction.Reassign;
        var category = catalog.Get(Current.Category);
        return Apply(action, actor, $"to {to}: {reason}", (v, now) => v with
        {
            Assignee = to,
            DispatchedAt = now,
            AcceptDue = IncidentDeadlines.AcceptDue(category, now),
            Delivered = true,
        }, notifyTracker: false);
    }

    public Task<IncidentView> Recall(ActorRef actor, string reason) =>
        Apply(IncidentAction.Recall, actor, reason, static (v, _) => v with { Assignee = null, AcceptDue = null, Delivered = true }, notifyTracker: false);

    public Task<IncidentView> Escalate(DeskRef desk, string reason)
    {
        var category = catalog.Get(Current.Category);
        return Apply(IncidentAction.Escalate, ActorRef.System("clock"), $"to {desk}: {reason}", (v, now) => v with
        {
            Escalations = [.. v.Escalations, new EscalationStep(desk, now, reason)],
            NextEscalationDue = IncidentDeadlines.NextEscalationDue(catalog, category, desk.Level, now),
        }, notifyTracker: false);
    }

    public Task<IncidentView> MergeInto(string primaryId, ActorRef actor)
    {
        if (Current.Status == IncidentStatus.Merged && Current.MergedInto == primaryId)
        {
            return Task.FromResult(Current);
        }

        if (primaryId == Id)
        {
            throw new ValidationFailedException("primaryId", "A case cannot be merged into itself.");
        }

        return Apply(IncidentAction.Merge, actor, $"duplicate of {primaryId}",
            (v, _) => v with { MergedInto = primaryId, Assignee = null, AcceptDue = null, Delivered = true },
            notifyTracker: actor.Role != ActorRole.System);
    }

    public Task<IncidentView> AddReporter(Reporter reporter, string duplicateId)
    {
        if (Current.Duplicates.Contains(duplicateId))
        {
            return Task.FromResult(Current);
        }

        return Apply(IncidentAction.AddReporter, ActorRef.System("intake"), $"duplicate report {duplicateId} merged in",
            (v, _) => v with { Reporters = [.. v.Reporters, reporter], Duplicates = [.. v.Duplicates, duplicateId] },
            notifyTracker: false);
    }

    public Task<IncidentView> Notice(ActorRef actor, string text) =>
        Apply(IncidentAction.Notice, actor, RequireText("text", text), null, notifyTracker: false);

    public Task<IncidentView> Accept(ActorRef actor)
    {
        RequireAssignee(actor);
        return Apply(IncidentAction.Accept, actor, null, static (v, now) => v with { AcceptedAt = v.AcceptedAt ?? now, AcceptDue = null });
    }

    public Task<IncidentView> Reject(ActorRef actor, string reason)
    {
        RequireAssignee(actor);
        return Apply(IncidentAction.Reject, actor, RequireText("reason", reason), static (v, _) => v with { Assignee = null, AcceptDue = null });
    }

    public Task<IncidentView> AddNote(ActorRef actor, string note)
    {
        RequireAssignee(actor);
        return Apply(IncidentAction.Note, actor, RequireText("note", note), null, notifyTracker: false);
    }

    public Task<IncidentView> Resolve(ActorRef actor, string result)
    {
        RequireAssignee(actor);
        return Apply(IncidentAction.Resolve, actor, RequireText("result", result), static (v, now) => v with
        {
            ResolvedAt = now,
            ResolvedOnTime = v.ResolvedOnTime ?? (v.ResolveDue is not { } due || now <= due),
            NextEscalationDue = null,
        });
    }

    public Task<IncidentView> Verify(ActorRef actor, bool passed, string? reason)
    {
        if (passed)
        {
            return Apply(IncidentAction.Verify, actor, reason, null);
        }

        var category = catalog.Get(Current.Category);
        return Apply(IncidentAction.FailVerification, actor, RequireText("reason", reason), (v, now) => v with
        {
            ReworkCount = v.ReworkCount + 1,
            ResolvedAt = null,
            ResolveDue = IncidentDeadlines.ResolveDue(category, now),
            NextEscalationDue = v.Escalations.Count == 0 ? null
                : IncidentDeadlines.NextEscalationDue(catalog, category, v.Escalations[^1].Desk.Level, now),
        });
    }

    public Task<IncidentView> Close(ActorRef actor, string? reason) =>
        Apply(IncidentAction.Close, actor, reason, static (v, now) => v with { ClosedAt = now });

    public Task<IncidentView> Rate(ActorRef actor, int score, string? comment)
    {
        if (score is < 1 or > 5)
        {
            throw new ValidationFailedException("score", "A rating is 1 (very dissatisfied) to 5 (very satisfied).");
        }

        return Apply(IncidentAction.Rate, actor, string.IsNullOrWhiteSpace(comment) ? $"{score}/5" : $"{score}/5: {comment.Trim()}",
            (v, _) => v with { Rating = score });
    }

    public Task<IncidentView> Cancel(ActorRef actor, string reason) =>
        Apply(IncidentAction.Cancel, actor, RequireText("reason", reason), static (v, now) => v with { ClosedAt = now, AcceptDue = null, NextEscalationDue = null });

    public Task<IncidentView> Supervise(ActorRef actor, string note) =>
        Apply(IncidentAction.Supervise, actor, RequireText("note", note), null, notifyTracker: false);

    public async Task<bool> Redrive()
    {
        if (state.State.Case is not { } view || view.Delivered || !view.IsOpen)
        {
            return true;
        }

        LogRedrive(logger, Id, view.Tracker.Key);
        await PublishIntake(view);
        return false;
    }

    private IncidentView Current => state.State.Case ?? throw new NotFoundException("incident", Id);

    /// <summary>
    /// Applies one transition: checks it against the state machine, appends the timeline line,
    /// persists, and tells the tracking desk. On any failure the case stays as it was.
    /// </summary>
    private async Task<IncidentView> Apply(
        IncidentAction action,
        ActorRef actor,
        string? reason,
        Func<IncidentView, DateTimeOffset, IncidentView>? change,
        bool notifyTracker = true)
    {
        var before = Current;
        if (!IncidentStateMachine.TryNext(before.Status, action, out var to))
        {
            throw new IllegalTransitionException(Id, before.Status.ToString(), action.ToString());
        }

        var now = time.Now;
        var after = (change?.Invoke(before, now) ?? before) with
        {
            Status = to,
            Timeline = [.. before.Timeline, new TimelineEntry(now, actor.ToString(), action, before.Status, to, reason)],
            Version = before.Version + 1,
        };

        state.State.Case = after;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Case = before;
            throw;
        }

        Announce(after);
        if (notifyTracker)
        {
            await NotifyTracker(after);
        }

        return after;
    }

    /// <summary>
    /// Tells the register and the live feed about a persisted change. Both are one-way: the case
    /// does not wait for them, and the register ignores versions older than the one it holds.
    /// </summary>
    private void Announce(IncidentView view)
    {
        Register(view);
        GrainFactory.GetGrain<ITransitionFeedGrain>(StableHash.Partition(view.Id, ITransitionFeedGrain.Partitions))
            .Publish(IncidentTransition.Of(view)).Ignore();
    }

    private void Register(IncidentView view) =>
        GrainFactory.GetGrain<IIncidentRegisterGrain>(IncidentRegister.KeyOf(view.Id, view.ReportedAt))
            .Upsert(IncidentSummary.Of(view)).Ignore();

    private Task NotifyTracker(IncidentView view) => view.Tracker.Level == OrgLevel.Grid
        ? GrainFactory.GetGrain<IGridGrain>(view.Tracker.Id).OnIncidentChanged(view)
        : GrainFactory.GetGrain<IDeskGrain>(view.Tracker.Key).OnIncidentChanged(view);

    private async Task PublishIntake(IncidentView view)
    {
        var streamId = view.Tracker.Level == OrgLevel.Grid
            ? StreamId.Create(StreamNames.GridIntake, view.Tracker.Id)
            : StreamId.Create(StreamNames.DeskIntake, view.Tracker.Key);
        try
        {
            await publisher.Publish(this.GetStreamProvider(StreamNames.Provider), streamId,
                new IncidentRouted(view.Id, view.Category, view.Placement.BuildingId, view.ReportedAt));
        }
        catch (Exception ex)
        {
            // The case is persisted and in the re-drive ledger: a failed publish is retried from there.
            LogPublishFailed(logger, ex, Id, view.Tracker.Key);
        }
    }

    private IIntakeLedgerGrain Ledger() =>
        GrainFactory.GetGrain<IIntakeLedgerGrain>(StableHash.Partition(Id, options.Value.LedgerPartitions));

    private void RequireAssignee(ActorRef actor)
    {
        var assignee = Current.Assignee;
        if (actor.Role == ActorRole.Worker && assignee?.WorkerId != actor.Id)
        {
            throw new NotPermittedException($"Incident '{Id}' is not assigned to worker '{actor.Id}'.");
        }
    }

    private static string RequireText(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException(field, $"'{field}' must not be empty.");
        }

        if (text.Length > MaxTextLength)
        {
            throw new ValidationFailedException(field, $"'{field}' is longer than {MaxTextLength} characters.");
        }

        return text.Trim();
    }

    [LoggerMessage(1001, LogLevel.Information, "Re-driving incident {IncidentId} to {Desk}: not yet acknowledged")]
    private static partial void LogRedrive(ILogger logger, string incidentId, string desk);

    [LoggerMessage(1002, LogLevel.Warning, "Publishing incident {IncidentId} to {Desk} failed; the re-drive ledger will retry")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string incidentId, string desk);
}
