namespace Dispatch.Journal;

/// <summary>
/// The case journal as grains use it: appends that complete once they are durable, and the
/// indexed reads that desks, the re-drive and the incident grains need. Appends from every grain
/// of a silo share transactions (<see cref="CaseJournal"/>).
/// </summary>
public interface ICaseJournal : IJournalReader
{
    /// <summary>
    /// Appends rows to one stream, right after the row they chain to. Completes once they are
    /// durable: true when they were stored, false when another writer stored the next row of the
    /// stream first (read the stream again and decide afresh). Throws
    /// <see cref="Errors.StorageUnavailableException"/> when the database could not commit.
    /// </summary>
    Task<bool> AppendAsync(JournalAppend append, CancellationToken cancellationToken = default);
}

/// <summary>The journal's reads, each one indexed query.</summary>
public interface IJournalReader
{
    /// <summary>The rows of a stream after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Every row of the given streams, ordered by stream, then sequence.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default);

    /// <summary>Every row of the open cases a desk tracks, ordered by case, then sequence: what a desk rebuilds from.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default);

    /// <summary>The desks that track at least one open case.</summary>
    Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Open cases no desk has taken in whose re-drive time has come, at most <paramref name="limit"/>;
    /// their next re-drive time becomes <paramref name="retryAt"/>, so another sweeper does not take them too.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default);

    /// <summary>The newest rows that a desk lists as notices, newest first.</summary>
    Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last row of each of the given streams that has any.</summary>
    Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default);
}

/// <summary>Where the journal is kept: the database side of <see cref="CaseJournal"/>.</summary>
public interface IJournalStore : IJournalReader
{
    /// <summary>
    /// Writes a batch of appends in one transaction and answers, for each, whether it was stored
    /// (false: another writer had stored that stream's next row). Throws when nothing could be committed.
    /// </summary>
    Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default);
}

/// <summary>Rows for one stream, and how they change the open-case index when they are stored.</summary>
public sealed record JournalAppend(IReadOnlyList<JournalEntry> Entries, OpenCaseChange? OpenCase = null)
{
    public string Stream => Entries[0].Stream;

    /// <summary>The last row; the index change is applied only if this row is the one stored.</summary>
    public JournalEntry Last => Entries[^1];

    /// <summary>What makes the append unfit to store (rows of other streams, or rows that do not chain to each other), or null.</summary>
    public string? Malformed()
    {
        if (Entries.Count == 0)
        {
            return "an append needs at least one row";
        }

        for (var i = 1; i < Entries.Count; i++)
        {
            var (before, row) = (Entries[i - 1], Entries[i]);
            if (row.Stream != before.Stream || row.Sequence != before.Sequence + 1 || row.PreviousHash != before.Hash)
            {
                return $"row {row.Sequence} of {row.Stream} does not follow the append's row {before.Sequence} of {before.Stream}";
            }
        }

        return null;
    }
}

/// <summary>
/// The journal's index of open cases (which desk tracks each, whether it has taken it in, when to
/// re-drive it), kept in the same transaction as the rows, so it can never disagree with them.
/// </summary>
public sealed record OpenCaseChange(bool IsOpen, string Desk, bool Delivered, DateTimeOffset RedriveAt)
{
    public static OpenCaseChange Open(string desk, bool delivered, DateTimeOffset redriveAt) => new(true, desk, delivered, redriveAt);

    public static readonly OpenCaseChange Closed = new(false, "", true, DateTimeOffset.MinValue);
}
