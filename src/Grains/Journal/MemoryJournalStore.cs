namespace Dispatch.Journal;

/// <summary>
/// The journal in this process's memory: what a run with memory storage keeps (nothing survives
/// it), and what an in-process test cluster shares between its silos in place of a database. The
/// same rules as the SQL stores: a row is stored only right after the row it chains to, and the
/// open-case index changes only with the row that carries the change.
/// </summary>
public sealed class MemoryJournalStore : IJournalStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<JournalEntry>> _streams = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> _all = [];
    private readonly Dictionary<string, OpenCase> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JournalEntry>> _notices = new(StringComparer.Ordinal);

    private sealed record OpenCase(string Desk, bool Delivered, DateTimeOffset RedriveAt);

    public Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default)
    {
        var stored = new bool[batch.Count];
        lock (_lock)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                stored[i] = TryWrite(batch[i]);
            }
        }

        return Task.FromResult<IReadOnlyList<bool>>(stored);
    }

    private bool TryWrite(JournalAppend append)
    {
        var stream = _streams.TryGetValue(append.Stream, out var rows) ? rows : null;
        var (sequence, hash) = stream is { Count: > 0 } ? (stream[^1].Sequence, stream[^1].Hash) : (0, "");
        var added = new List<JournalEntry>();
        foreach (var entry in append.Entries)
        {
            if (entry.Stream != append.Stream)
            {
                return false;
            }

            // A row already there is fine only if it is this very row (as the SQL stores see it).
            if (entry.Sequence <= sequence && added.Count == 0)
            {
                if (stream![entry.Sequence - 1].Hash != entry.Hash)
                {
                    return false;
                }

                continue;
            }

            if (entry.Sequence != sequence + 1 || entry.PreviousHash != hash)
            {
                return false;
            }

            added.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }

        if (added.Count == 0)
        {
            return false;
        }

        if (stream is null)
        {
            _streams[append.Stream] = stream = [];
        }

        foreach (var entry in added)
        {
            var positioned = entry with { Position = _all.Count + 1 };
            stream.Add(positioned);
            _all.Add(positioned);
            if (positioned.NoticeFor is { } desk)
            {
                if (!_notices.TryGetValue(desk, out var notices))
                {
                    _notices[desk] = notices = [];
                }

                notices.Add(positioned);
            }
        }

        switch (append.OpenCase)
        {
            case { IsOpen: true } open:
                var redriveAt = _open.TryGetValue(append.Stream, out var known) ? known.RedriveAt : open.RedriveAt;
                _open[append.Stream] = new OpenCase(open.Desk, open.Delivered, redriveAt);
                break;
            case { IsOpen: false }:
                _open.Remove(append.Stream);
                break;
        }

        return true;
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> rows = _streams.TryGetValue(stream, out var all) ? all.Where(e => e.Sequence > afterSequence).ToArray() : [];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> rows = streams.Distinct().Order(StringComparer.Ordinal)
                .SelectMany(s => _streams.TryGetValue(s, out var all) ? all : [])
                .ToArray();
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> rows = _open.Where(o => o.Value.Desk == desk).Select(o => o.Key).Order(StringComparer.Ordinal)
                .SelectMany(id => _streams[id])
                .ToArray();
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> desks = _open.Values.Select(o => o.Desk).Distinct().Order(StringComparer.Ordinal).ToArray();
            return Task.FromResult(desks);
        }
    }

    public Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var due = _open.Where(o => !o.Value.Delivered && o.Value.RedriveAt <= now)
                .OrderBy(o => o.Value.RedriveAt)
                .Take(limit)
                .Select(o => o.Key)
                .ToArray();
            foreach (var id in due)
            {
                _open[id] = _open[id] with { RedriveAt = retryAt };
            }

            return Task.FromResult<IReadOnlyList<string>>(due);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> rows = _notices.TryGetValue(desk, out var notices)
                ? notices.AsEnumerable().Reverse().Take(limit).ToArray()
                : [];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyDictionary<string, JournalEntry> last = streams.Distinct()
                .Where(s => _streams.TryGetValue(s, out var rows) && rows.Count > 0)
                .ToDictionary(s => s, s => _streams[s][^1]);
            return Task.FromResult(last);
        }
    }

    /// <summary>Every row of a stream, in order.</summary>
    public IReadOnlyList<JournalEntry> ReadStream(string stream)
    {
        lock (_lock)
        {
            return _streams.TryGetValue(stream, out var rows) ? rows.ToArray() : [];
        }
    }

    /// <summary>Rows after <paramref name="position"/> in commit order, at most <paramref name="limit"/>: what projections read.</summary>
    public IReadOnlyList<JournalEntry> ReadAfter(long position, int limit)
    {
        lock (_lock)
        {
            var start = (int)Math.Min(position, _all.Count);
            return _all.GetRange(start, Math.Min(limit, _all.Count - start));
        }
    }
}
