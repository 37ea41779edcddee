namespace Dispatch.Desks;

/// <summary>Which clock of a case a deadline belongs to.</summary>
public enum DeadlineKind
{
    Accept = 0,
    Escalate = 1,
    /// <summary>The first-contact stage: the resident must have been reached.</summary>
    Contact = 2,
    /// <summary>A parked case's review date.</summary>
    Review = 3,

    /// <summary>The earliest co-unit part deadline of the case not yet noticed as missed.</summary>
    Part = 4,

    /// <summary>The on-site check of a report held before filing, while a worker has it.</summary>
    Confirm = 5,
}

/// <summary>
/// A desk's pending deadlines in memory, earliest first. Rescheduling a case replaces its
/// deadline; stale queue entries are skipped when they surface rather than searched for.
/// </summary>
public sealed class DeadlineWheel
{
    private readonly PriorityQueue<(string CaseId, DeadlineKind Kind), DateTimeOffset> _queue = new();
    private readonly Dictionary<(string CaseId, DeadlineKind Kind), DateTimeOffset> _current = [];

    public int Count => _current.Count;

    /// <summary>Sets the deadline of one clock of a case, or clears it when <paramref name="due"/> is null.</summary>
    public void Set(string caseId, DeadlineKind kind, DateTimeOffset? due)
    {
        var key = (caseId, kind);
        if (due is null)
        {
            _current.Remove(key);
            return;
        }

        if (_current.TryGetValue(key, out var existing) && existing == due.Value)
        {
            return;
        }

        _current[key] = due.Value;
        _queue.Enqueue(key, due.Value);
    }

    public void Clear(string caseId)
    {
        foreach (var kind in Kinds)
        {
            _current.Remove((caseId, kind));
        }
    }

    private static readonly DeadlineKind[] Kinds = Enum.GetValues<DeadlineKind>();

    /// <summary>The earliest pending deadline, or null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            DropStale();
            return _queue.TryPeek(out _, out var due) ? due : null;
        }
    }

    /// <summary>Removes and returns every deadline due at or before <paramref name="now"/>, earliest first.</summary>
    public List<(string CaseId, DeadlineKind Kind, DateTimeOffset Due)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(string, DeadlineKind, DateTimeOffset)>();
        while (true)
        {
            DropStale();
            if (!_queue.TryPeek(out var key, out var at) || at > now)
            {
                return due;
            }

            _queue.Dequeue();
            _current.Remove(key);
            due.Add((key.CaseId, key.Kind, at));
        }
    }

    private void DropStale()
    {
        while (_queue.TryPeek(out var key, out var at)
            && (!_current.TryGetValue(key, out var current) || current != at))
        {
            _queue.Dequeue();
        }
    }
}
