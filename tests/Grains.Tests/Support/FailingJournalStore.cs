using Dispatch.Journal;

namespace Dispatch.Tests.Support;

/// <summary>
/// The test cluster's journal store: the memory store, except that it fails the next writes of the
/// cases named in <see cref="FailLaterAppends"/> after their registration, as a database that is
/// briefly unreachable would (the whole batch fails).
/// </summary>
public sealed class FailingJournalStore(MemoryJournalStore inner) : IJournalStore
{
    /// <summary>Case id → how many more of its appends after the first row to fail.</summary>
    public ConcurrentDictionaryCounter FailLaterAppends { get; } = new();

    public Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default) =>
        batch.Any(a => a.Entries[0].Sequence > 1 && FailLaterAppends.TryConsume(a.Stream))
            ? throw new InvalidOperationException("The test journal refused this write on purpose.")
            : inner.WriteAsync(batch, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, afterSequence, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        inner.ReadStreamsAsync(streams, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default) =>
        inner.ReadOpenCasesAsync(desk, cancellationToken);

    public Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default) =>
        inner.OpenDesksAsync(cancellationToken);

    public Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default) =>
        inner.ClaimUndeliveredAsync(now, retryAt, limit, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default) =>
        inner.NoticesAsync(desk, limit, cancellationToken);

    public Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        inner.LastEntriesAsync(streams, cancellationToken);
}
