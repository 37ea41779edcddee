using Dispatch.Journal;

namespace Dispatch.Tests.Support;

/// <summary>
/// The test cluster's journal store: the memory store, except that it fails the next writes of the
/// cases named in <see cref="FailLaterAppends"/> after their registration, as a database that is
/// briefly unreachable would (the whole batch fails).
/// </summary>
public sealed class FailingJournalStore(MemoryJournalStore inner) : JournalStoreDecorator(inner)
{
    /// <summary>Case id → how many more of its appends after the first row to fail.</summary>
    public ConcurrentDictionaryCounter FailLaterAppends { get; } = new();

    public override Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default) =>
        batch.Any(a => a.Entries[0].Sequence > 1 && FailLaterAppends.TryConsume(a.Stream))
            ? throw new InvalidOperationException("The test journal refused this write on purpose.")
            : Inner.WriteAsync(batch, cancellationToken);
}
