using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Desks;

/// <summary>The persisted part of a desk's case book.</summary>
[GenerateSerializer, Alias("Dispatch.CaseBookState")]
public sealed class CaseBookState
{
    [Id(0)] public Dictionary<string, CaseEntry> Open { get; set; } = [];

    /// <summary>Counters of cases that left the book (closed, cancelled, merged) and of ratings.</summary>
    [Id(1)] public CaseStatistics Totals { get; set; } = CaseStatistics.Empty;
}

/// <summary>
/// A desk's open cases, their deadlines and its counters. The incident grain is the truth; the
/// book follows it through <see cref="Apply"/>, which is idempotent and ignores stale views.
/// </summary>
public sealed class CaseBook
{
    private readonly CaseBookState _state;
    private readonly DeadlineWheel _wheel = new();

    /// <summary>Escalation deadlines that fired with no level left above: not scheduled again.</summary>
    private readonly Dictionary<string, DateTimeOffset> _exhausted = [];

    public CaseBook(CaseBookState state)
    {
        _state = state;
        foreach (var entry in state.Open.Values)
        {
            Schedule(entry);
        }
    }

    public IReadOnlyCollection<CaseEntry> Open => _state.Open.Values;

    public DateTimeOffset? NextDue => _wheel.NextDue;

    public bool HasDeadlines => _wheel.Count > 0;

    public CaseEntry? Find(string incidentId) => _state.Open.GetValueOrDefault(incidentId);

    /// <summary>Whether the book already holds a newer state of this case than <paramref name="view"/>.</summary>
    public bool IsStale(IncidentView view) =>
        _state.Open.TryGetValue(view.Id, out var entry) && view.Version < entry.Version;

    /// <summary>Puts a case in the book as the desk intends it to be, before the incident confirms it.</summary>
    public void Plan(CaseEntry entry)
    {
        _state.Open[entry.IncidentId] = entry;
        Schedule(entry);
    }

    /// <summary>
    /// Brings the book in line with the incident. Returns the entry as it was before, or null when
    /// the case was not in the book. A case that ended leaves the book and is counted.
    /// </summary>
    public CaseEntry? Apply(IncidentView view, IReadOnlyList<string>? passedOver = null)
    {
        _state.Open.TryGetValue(view.Id, out var previous);
        if (previous is not null && view.Version < previous.Version)
        {
            return previous;
        }

        if (view.IsOpen)
        {
            var entry = ToEntry(view, passedOver ?? previous?.PassedOver ?? []);
            _state.Open[view.Id] = entry;
            Schedule(entry);
            return previous;
        }

        if (previous is not null)
        {
            _state.Open.Remove(view.Id);
            _exhausted.Remove(view.Id);
            _wheel.Clear(view.Id);
            Count(view);
        }
        else if (view.Status == IncidentStatus.Rated && view.Rating is { } rating)
        {
            _state.Totals = _state.Totals with { Rated = _state.Totals.Rated + 1, RatingTotal = _state.Totals.RatingTotal + rating };
        }

        return previous;
    }

    /// <summary>Counts a report merged into an open case at intake; it never enters the book.</summary>
    public void CountMerged() => _state.Totals = _state.Totals with { Merged = _state.Totals.Merged + 1 };

    /// <summary>Sets one clock of an open case to fire again at <paramref name="until"/> (after a failed attempt).</summary>
    public void Postpone(string incidentId, DeadlineKind kind, DateTimeOffset until)
    {
        if (_state.Open.ContainsKey(incidentId))
        {
            _wheel.Set(incidentId, kind, until);
        }
    }

    /// <summary>Records that an escalation deadline fired with nowhere to go; false when already recorded.</summary>
    public bool MarkExhausted(string incidentId, DateTimeOffset due)
    {
        if (_exhausted.TryGetValue(incidentId, out var known) && known == due)
        {
            return false;
        }

        _exhausted[incidentId] = due;
        _wheel.Set(incidentId, DeadlineKind.Escalate, null);
        return true;
    }

    public List<(string CaseId, DeadlineKind Kind, DateTimeOffset Due)> TakeDue(DateTimeOffset now) => _wheel.TakeDue(now);

    /// <summary>Cases a worker holds that count against their load (dispatched or being worked).</summary>
    public int OpenLoadOf(string workerId)
    {
        var load = 0;
        foreach (var entry in _state.Open.Values)
        {
            if (entry.Assignee?.WorkerId == workerId && entry.Status is IncidentStatus.Dispatched or IncidentStatus.Accepted)
            {
                load++;
            }
        }

        return load;
    }

    /// <summary>An open case of the same category at the same building, into which a new report would merge.</summary>
    public CaseEntry? FindDuplicateOf(string incidentId, string? buildingId, string category)
    {
        if (buildingId is null)
        {
            return null;
        }

        CaseEntry? oldest = null;
        foreach (var entry in _state.Open.Values)
        {
            if (entry.IncidentId != incidentId && entry.BuildingId == buildingId
                && string.Equals(entry.Category, category, StringComparison.OrdinalIgnoreCase)
                && entry.Status.IsAwaitingResult()
                && (oldest is null || entry.RegisteredAt < oldest.RegisteredAt))
            {
                oldest = entry;
            }
        }

        return oldest;
    }

    public CaseStatistics Statistics(DateTimeOffset now)
    {
        int overdue = 0, escalated = 0;
        foreach (var entry in _state.Open.Values)
        {
            if (entry.IsOverdue(now))
            {
                overdue++;
            }

            if (entry.EscalatedTo.Count > 0)
            {
                escalated++;
            }
        }

        return _state.Totals with { Open = _state.Open.Count, Overdue = overdue, Escalated = escalated };
    }

    public static CaseEntry ToEntry(IncidentView view, IReadOnlyList<string> passedOver) => new()
    {
        IncidentId = view.Id,
        Category = view.Category,
        BuildingId = view.Placement.BuildingId,
        Status = view.Status,
        Assignee = view.Assignee,
        RegisteredAt = view.ReportedAt,
        AcceptDue = view.Status == IncidentStatus.Dispatched ? view.AcceptDue : null,
        ResolveDue = view.ResolveDue,
        NextEscalationDue = view.NextEscalationDue,
        EscalatedTo = view.Escalations.Select(e => e.Desk).ToArray(),
        PassedOver = passedOver,
        Version = view.Version,
        Path = view.Placement.Path,
    };

    private void Schedule(CaseEntry entry)
    {
        _wheel.Set(entry.IncidentId, DeadlineKind.Accept, entry.Status == IncidentStatus.Dispatched ? entry.AcceptDue : null);
        var escalation = entry.Status.IsAwaitingResult() ? entry.EscalationDue : null;
        if (escalation is { } due && _exhausted.TryGetValue(entry.IncidentId, out var spent) && spent == due)
        {
            escalation = null;
        }

        _wheel.Set(entry.IncidentId, DeadlineKind.Escalate, escalation);
    }

    private void Count(IncidentView view)
    {
        var t = _state.Totals;
        t = t with { Escalations = t.Escalations + view.Escalations.Count };
        switch (view.Status)
        {
            case IncidentStatus.Closed or IncidentStatus.Rated:
                t = t with
                {
                    Closed = t.Closed + 1,
                    ClosedOnTime = t.ClosedOnTime + (view.ResolvedOnTime == true ? 1 : 0),
                    Reworked = t.Reworked + view.ReworkCount,
                };
                if (view.AcceptedAt is { } accepted)
                {
                    t = t with { Accepted = t.Accepted + 1, AcceptTicks = t.AcceptTicks + (accepted - view.ReportedAt).Ticks };
                }

                if (view.ResolvedAt is { } resolved)
                {
                    t = t with { Resolved = t.Resolved + 1, ResolveTicks = t.ResolveTicks + (resolved - view.ReportedAt).Ticks };
                }

                if (view.Status == IncidentStatus.Rated && view.Rating is { } rating)
                {
                    t = t with { Rated = t.Rated + 1, RatingTotal = t.RatingTotal + rating };
                }

                break;
            case IncidentStatus.Cancelled:
                t = t with { Cancelled = t.Cancelled + 1 };
                break;
            case IncidentStatus.Merged:
                t = t with { Merged = t.Merged + 1 };
                break;
        }

        _state.Totals = t;
    }
}
