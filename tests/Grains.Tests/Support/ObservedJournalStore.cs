using Dispatch.Journal;

namespace Dispatch.Tests.Support;

/// <summary>
/// A journal store around a real one that counts its transactions, and can hold a write until
/// released and then crash: every later write fails, either before it reaches the database or
/// inside its transaction after its rows were inserted (a poisoned append makes the SQL store roll
/// the whole batch back).
/// </summary>
public sealed class ObservedJournalStore(IJournalStore inner) : JournalStoreDecorator(inner)
{
    public enum Crash
    {
        BeforeWriting,
        InsideTheTransaction,
    }

    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;
    private int _holdAt;
    private Crash? _crash;

    /// <summary>How many batches were written (or tried): the transactions used.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>The appends of the held write.</summary>
    public IReadOnlyList<JournalAppend> HeldBatch { get; private set; } = [];

    /// <summary>Holds the next write until <see cref="Release"/>, lets it through, and fails every write after it.</summary>
    public Task HoldNextThenCrash(Crash crash)
    {
        _crash = crash;
        Volatile.Write(ref _holdAt, Writes + 1);
        return _held.Task;
    }

    public void Release() => _release.TrySetResult();

    public override async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<JournalAppend> batch, CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref _writes);
        var holdAt = Volatile.Read(ref _holdAt);
        if (holdAt == 0 || number < holdAt)
        {
            return await Inner.WriteAsync(batch, cancellationToken);
        }

        if (number == holdAt)
        {
            HeldBatch = batch;
            _held.TrySetResult();
            await _release.Task;
            return await Inner.WriteAsync(batch, cancellationToken);
        }

        if (_crash == Crash.InsideTheTransaction)
        {
            // Its first row is stored, its second does not chain to it: the SQL store throws and rolls back.
            var poison = Rows.First($"poison-{number}");
            var unchained = JournalEntry.Create(poison.Stream, 2, "Note", "system:test", Rows.At, "unchained", null, "{}", new string('0', 64));
            await Inner.WriteAsync([.. batch, new JournalAppend([poison, unchained])], cancellationToken);
            throw new InvalidOperationException("The poisoned batch was committed: the store does not write a batch all or nothing.");
        }

        throw new IOException("The database went away.");
    }
}
