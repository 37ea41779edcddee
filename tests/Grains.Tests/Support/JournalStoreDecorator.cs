using Dispatch.Journal;

namespace Dispatch.Tests.Support;

/// <summary>A journal store around a real one whose writes a test steers; reads go straight through.</summary>
public abstract class JournalStoreDecorator(IJournalStore inner) : IJournalStore
{
    protected IJournalStore Inner => inner;

    public abstract Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default);

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, afterSequence, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        inner.ReadStreamsAsync(streams, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default) =>
        inner.ReadOpenCasesAsync(desk, cancellationToken);

    public Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default) => inner.OpenDesksAsync(cancellationToken);

    public Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default) =>
        inner.ClaimUndeliveredAsync(now, retryAt, limit, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default) =>
        inner.NoticesAsync(desk, limit, cancellationToken);

    public Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        inner.LastEntriesAsync(streams, cancellationToken);
}
