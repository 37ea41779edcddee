using Dispatch.Journal;

namespace Dispatch.Testing;

/// <summary>
/// A journal that accepts every append and keeps nothing, for measuring the grains' own memory and
/// CPU (<c>--storage none</c>): every read answers empty, so nothing is re-driven and a desk that
/// deactivates forgets its cases.
/// </summary>
public sealed class DiscardingJournalStore : IJournalStore
{
    public Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<bool>>(Enumerable.Repeat(true, batch.Count).ToArray());

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default) => Empty();

    public Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) => Empty();

    public Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default) => Empty();

    public Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default) => Empty();

    public Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, JournalEntry>>(new Dictionary<string, JournalEntry>());

    private static Task<IReadOnlyList<JournalEntry>> Empty() => Task.FromResult<IReadOnlyList<JournalEntry>>([]);
}
