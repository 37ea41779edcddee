using System.Collections.Concurrent;
using System.Diagnostics;
using Dispatch.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dispatch.Storage;

/// <summary>
/// The one writer of the embedded SQLite file. SQLite lets one transaction write at a time; several
/// writers would wait for each other in its busy handler, which sleeps rather than queues. So the
/// journal, the register and grain state all hand their writes to this one connection on its own
/// thread, which runs whatever has queued as one transaction: one commit, one fsync, for everything
/// written meanwhile. Statements are prepared once and kept. Readers use connections of their own
/// (write-ahead logging lets them read while it writes).
/// </summary>
public sealed partial class SqliteWriter : IDisposable
{
    /// <summary>The most pieces of work one transaction takes; the rest wait for the next.</summary>
    public const int MaxBatch = 512;

    private readonly BlockingCollection<Work> _queue = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly ILogger<SqliteWriter> _logger;
    private readonly Thread _thread;
    private SqliteTransaction? _transaction;

    public SqliteWriter(string connectionString, ILogger<SqliteWriter> logger)
    {
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var durable = _connection.CreateCommand())
        {
            // Every commit reaches the disk before its writers hear "done": what was acknowledged survives a power cut.
            // A larger page cache and memory-mapped reads: the writer looks up random keys all the time.
            durable.CommandText = "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;";
            durable.ExecuteNonQuery();
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "Dispatch SQLite writer" };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the writer's next transaction; completes once that transaction
    /// is committed. Work must not block on anything but the database: the writer waits for it.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriter, T> work)
    {
        var item = new Work<T>(work);
        try
        {
            _queue.Add(item);
        }
        catch (InvalidOperationException)
        {
            throw new StorageUnavailableException("The database is closing; nothing was written.");
        }

        return item.Result.Task;
    }

    /// <summary>A prepared command for <paramref name="sql"/> in the current transaction, its parameters cleared. Only inside work.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands[sql] = command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;

            // Compiled once and kept: without Prepare, each execution compiles the statement again.
            command.Prepare();
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
        _queue.Dispose();
    }

    private void Run()
    {
        var batch = new List<Work>(MaxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            Execute(batch);
        }
    }

    private void Execute(List<Work> batch)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using (_transaction = _connection.BeginTransaction(deferred: false))
            {
                foreach (var work in batch)
                {
                    work.Run(this);
                }

                _transaction.Commit();
            }
        }
        catch (Exception ex)
        {
            LogFailed(_logger, ex, batch.Count);
            var failure = ex as StorageUnavailableException ?? new StorageUnavailableException($"The database could not write ({ex.GetType().Name}: {ex.Message}); nothing of it was kept.");
            foreach (var work in batch)
            {
                work.Fail(failure);
            }

            return;
        }
        finally
        {
            _transaction = null;
        }

        DispatchMetrics.SqliteTransactionDuration.Record(clock.Elapsed.TotalSeconds);
        foreach (var work in batch)
        {
            work.Complete();
        }
    }

    private abstract class Work
    {
        public abstract void Run(SqliteWriter writer);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Work<T>(Func<SqliteWriter, T> work) : Work
    {
        private T? _value;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(SqliteWriter writer) => _value = work(writer);

        public override void Complete() => Result.TrySetResult(_value!);

        public override void Fail(Exception exception) => Result.TrySetException(exception);
    }

    [LoggerMessage(6101, LogLevel.Error, "A SQLite transaction of {Count} writes failed; each writer is told")]
    private static partial void LogFailed(ILogger logger, Exception exception, int count);
}
