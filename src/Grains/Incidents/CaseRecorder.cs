using Dispatch.Errors;
using Dispatch.Journal;
using Microsoft.Extensions.Options;

namespace Dispatch.Incidents;

/// <summary>Events recorded on a case: the state before and after them, and each as the live feed carries it.</summary>
public sealed record Recorded(IReadOnlyList<CaseEvent> Events, CaseState? Before, CaseState After, IReadOnlyList<IncidentTransition> Transitions)
{
    /// <summary>Tells the live feed (through the silo's outbox): best effort, a screen that misses a line reads the register.</summary>
    public void Announce(FeedOutbox feed) => feed.Publish(Transitions);
}

/// <summary>
/// Records changes on a case for whoever writes them — the incident grain for what people do, the
/// tracking desk for what the desk and the clock do. It checks each change against the state
/// machine, numbers, times and hashes it after the state the writer holds, folds it, and appends it
/// with the open-case index change it implies. A writer whose state was stale stores nothing and
/// gets null: it reads the case again and decides afresh.
/// </summary>
public sealed class CaseRecorder(ICaseJournal journal, DispatchTime time, IOptions<DispatchOptions> options)
{
    /// <summary>How often a writer reads a case again and retries before it gives up on a busy case.</summary>
    public const int Attempts = 5;

    public ICaseJournal Journal => journal;

    /// <summary>Records <paramref name="changes"/> after <paramref name="state"/> (null: a new case); null when another writer came first.</summary>
    public async Task<Recorded?> TryRecord(string caseId, CaseState? state, IReadOnlyList<CaseChange> changes)
    {
        using var activity = DispatchTracing.Source.StartActivity("record case events");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("dispatch.case.id", caseId);
            activity.SetTag("dispatch.events", string.Join(',', changes.Select(c => c.Type)));
        }

        var now = time.Now;
        var entries = new List<JournalEntry>(changes.Count);
        var events = new List<CaseEvent>(changes.Count);
        var transitions = new List<IncidentTransition>(changes.Count);
        var after = state;
        foreach (var change in changes)
        {
            if (after is not null && !IncidentStateMachine.IsLegal(after.Status, change.Type))
            {
                throw new IllegalTransitionException(caseId, after.Status.ToString(), change.Type.ToString());
            }

            var (entry, e) = CaseEventCodec.Encode(caseId, after?.Sequence ?? 0, after?.Hash ?? "", change, now);
            var from = after?.Status ?? IncidentStatus.Reported;
            after = CaseFold.Apply(after, e);
            entries.Add(entry);
            events.Add(e);
            transitions.Add(new IncidentTransition(caseId, e.Sequence, e.At, e.Type, from, after.Status, e.Actor, e.Reason,
                after.Category, after.Placement.Path, after.Tracker, after.Assignee));
        }

        if (after is null)
        {
            throw new ArgumentException("Nothing to record.", nameof(changes));
        }

        if (!await journal.AppendAsync(new JournalAppend(entries, IndexChange(state, after, now))))
        {
            activity?.SetTag("dispatch.outcome", "another writer came first");
            return null;
        }

        Telemetry.CaseMeasurements.Recorded(events, after);
        return new Recorded(events, state, after, transitions);
    }

    /// <summary>
    /// How the open-case index follows the case: a case enters when it opens, moves or is marked
    /// delivered when its desk or delivery changes, and leaves when it ends.
    /// </summary>
    private OpenCaseChange? IndexChange(CaseState? before, CaseState after, DateTimeOffset now)
    {
        if (!after.IsOpen)
        {
            return before is { IsOpen: true } ? OpenCaseChange.Closed : null;
        }

        var changed = before is null || !before.IsOpen || before.Tracker != after.Tracker || before.Delivered != after.Delivered;
        return changed ? OpenCaseChange.Open(after.Tracker.Key, after.Delivered, now + options.Value.RedriveAfter) : null;
    }
}
