using System.Diagnostics;
using System.Threading.Channels;
using Dispatch.Errors;
using Microsoft.Extensions.Logging;

namespace Dispatch.Journal;

/// <summary>
/// Group commit: appends from every grain of the silo queue here, and one writer takes whatever
/// has queued into a single transaction while the previous one commits. Under load many appends
/// share one commit (one fsync, one round trip); when quiet, an append is written at once. A
/// caller's append completes only when the transaction holding it is durable.
/// </summary>
public sealed partial class CaseJournal : ICaseJournal, IAsyncDisposable
{
    /// <summary>The most appends one transaction takes; the rest wait for the next.</summary>
    public const int MaxBatch = 2_000;

    private readonly IJournalStore _store;
    private readonly JournalSignal _committed;
    private readonly ILogger<CaseJournal> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public CaseJournal(IJournalStore store, JournalSignal committed, ILogger<CaseJournal> logger)
    {
        _store = store;
        _committed = committed;
        _logger = logger;
        _writer = Task.Run(WriteLoop);
    }

    public Task<bool> AppendAsync(JournalAppend append, CancellationToken cancellationToken = default)
    {
        if (append.Malformed() is { } problem)
        {
            throw new ArgumentException(problem, nameof(append));
        }

        var pending = new Pending(append);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new StorageUnavailableException("The journal is shutting down; nothing was recorded.");
        }

        return pending.Result.Task;
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, int afterSequence = 0, CancellationToken cancellationToken = default) =>
        Guard(() => _store.ReadAsync(stream, afterSequence, cancellationToken));

    public Task<IReadOnlyList<JournalEntry>> ReadStreamsAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        Guard(() => _store.ReadStreamsAsync(streams, cancellationToken));

    public Task<IReadOnlyList<JournalEntry>> ReadOpenCasesAsync(string desk, CancellationToken cancellationToken = default) =>
        Guard(() => _store.ReadOpenCasesAsync(desk, cancellationToken));

    public Task<IReadOnlyList<string>> OpenDesksAsync(CancellationToken cancellationToken = default) =>
        Guard(() => _store.OpenDesksAsync(cancellationToken));

    public Task<IReadOnlyList<string>> ClaimUndeliveredAsync(DateTimeOffset now, DateTimeOffset retryAt, int limit, CancellationToken cancellationToken = default) =>
        Guard(() => _store.ClaimUndeliveredAsync(now, retryAt, limit, cancellationToken));

    public Task<IReadOnlyList<JournalEntry>> NoticesAsync(string desk, int limit, CancellationToken cancellationToken = default) =>
        Guard(() => _store.NoticesAsync(desk, limit, cancellationToken));

    public Task<IReadOnlyDictionary<string, JournalEntry>> LastEntriesAsync(IReadOnlyCollection<string> streams, CancellationToken cancellationToken = default) =>
        Guard(() => _store.LastEntriesAsync(streams, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoop()
    {
        var batch = new List<Pending>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await Write(batch);
        }
    }

    private async Task Write(List<Pending> batch)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<bool> stored;
        try
        {
            stored = await _store.WriteAsync(batch.ConvertAll(p => p.Append));
        }
        catch (Exception ex)
        {
            LogCommitFailed(_logger, ex, batch.Count);
            var failure = new StorageUnavailableException($"The journal could not commit ({ex.GetType().Name}: {ex.Message}).");
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(failure);
            }

            return;
        }

        DispatchMetrics.JournalCommitDuration.Record(clock.Elapsed.TotalSeconds);
        DispatchMetrics.JournalBatchSize.Record(batch.Count);
        var events = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (stored[i])
            {
                events += batch[i].Append.Entries.Count;
            }
            else
            {
                DispatchMetrics.JournalConflicts.Add(1);
            }

            batch[i].Result.TrySetResult(stored[i]);
        }

        DispatchMetrics.JournalEvents.Add(events);
        _committed.Set();
    }

    /// <summary>A database exception cannot cross a grain call (it has no codec); callers get one of ours.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not DispatchException and not OperationCanceledException)
        {
            LogReadFailed(_logger, ex);
            throw new StorageUnavailableException($"The journal could not be read ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    private sealed class Pending(JournalAppend append)
    {
        public JournalAppend Append { get; } = append;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(6001, LogLevel.Error, "The journal could not commit a batch of {Count} appends; their callers are told")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(6002, LogLevel.Error, "The journal could not be read")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}

/// <summary>Wakes the projections when the journal has committed something new.</summary>
public sealed class JournalSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else set it meanwhile: it is set, which is all that matters.
            }
        }
    }

    /// <summary>Waits until set or until <paramref name="timeout"/>; answers whether it was set.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
