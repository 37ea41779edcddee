using System.Collections.Concurrent;
using Dispatch.Errors;
using Dispatch.Journal;
using Dispatch.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dispatch.Tests.Storage;

/// <summary>
/// Group commit (<see cref="CaseJournal"/>) over a database that writes on one connection at a
/// time: many callers share few transactions, and a caller is told true only once its rows are
/// durable, so a crash loses nothing that was acknowledged.
/// </summary>
public abstract class GroupCommitContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _stores = [];

    /// <summary>A store on a new, empty database.</summary>
    protected abstract Task<SqlJournalStore> CreateStoreAsync();

    /// <summary>Another store on the same database, as a restarted silo would open it.</summary>
    protected abstract SqlJournalStore Reopen();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_thousand_concurrent_appends_to_hundreds_of_cases_share_few_transactions_and_are_all_stored()
    {
        const int Streams = 250;
        const int AppendsPerStream = 8;
        var observed = new ObservedJournalStore(await Created());
        var appended = new ConcurrentBag<JournalEntry>();

        await using (var journal = new CaseJournal(observed, new JournalSignal(), NullLogger<CaseJournal>.Instance))
        {
            await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => Task.Run(async () =>
            {
                JournalEntry? last = null;
                for (var n = 0; n < AppendsPerStream; n++)
                {
                    // Some appends are two rows, as a report and its registration are.
                    var rows = new List<JournalEntry> { last is null ? Rows.First($"S{i:D3}") : Rows.After(last, $"append {n}") };
                    if (n % 3 == 0)
                    {
                        rows.Add(Rows.After(rows[0], $"append {n}, second row"));
                    }

                    Assert.True(await journal.AppendAsync(new JournalAppend(rows)));
                    rows.ForEach(appended.Add);
                    last = rows[^1];
                }
            })));
        }

        const int Appends = Streams * AppendsPerStream;
        Assert.True(observed.Writes <= Appends / 20, $"{Appends} appends took {observed.Writes} transactions");

        await using var fresh = Reopen();
        var stored = await fresh.ReadStreamsAsync(Enumerable.Range(0, Streams).Select(i => $"S{i:D3}").ToList());
        Assert.Equal(appended.OrderBy(r => r.Stream, StringComparer.Ordinal).ThenBy(r => r.Sequence), stored.Unpositioned());
    }

    [Theory]
    [InlineData(ObservedJournalStore.Crash.BeforeWriting)]
    [InlineData(ObservedJournalStore.Crash.InsideTheTransaction)]
    public async Task A_crash_between_batches_loses_only_appends_that_were_never_acknowledged(ObservedJournalStore.Crash crash)
    {
        var observed = new ObservedJournalStore(await Created());
        var journal = new CaseJournal(observed, new JournalSignal(), NullLogger<CaseJournal>.Instance);
        var firsts = Enumerable.Range(0, 100).Select(i => Rows.First($"S{i:D3}")).ToList();
        Assert.All(await Task.WhenAll(firsts.Select(r => journal.AppendAsync(new JournalAppend([r])))), Assert.True);

        // The next batch is held while more appends queue behind it; it commits, and then the database is gone.
        var held = observed.HoldNextThenCrash(crash);
        var seconds = firsts.ConvertAll(r => Rows.After(r, "second"));
        var attempts = seconds.ConvertAll(r => Attempt(journal, r));
        await held;
        attempts.AddRange(seconds.Select(r => Attempt(journal, Rows.After(r, "third"))));
        attempts.AddRange(Enumerable.Range(100, 50).Select(i => Attempt(journal, Rows.First($"S{i:D3}"), Rows.After(Rows.First($"S{i:D3}")))));
        observed.Release();
        foreach (var attempt in attempts)
        {
            await Settled(attempt.Result);
        }

        await journal.DisposeAsync();

        var acknowledged = attempts.Where(a => a.Result.IsCompletedSuccessfully).ToList();
        Assert.All(acknowledged, a => Assert.True(a.Result.Result));
        Assert.Equal(observed.HeldBatch.Select(a => a.Last), acknowledged.Select(a => a.Rows[^1]));
        Assert.NotEmpty(acknowledged);
        Assert.True(acknowledged.Count < attempts.Count, "every append was in the batch that committed");

        await using var fresh = Reopen();
        var streams = Enumerable.Range(0, 150).Select(i => $"S{i:D3}")
            .Concat(Enumerable.Range(1, observed.Writes).Select(n => $"poison-{n}"))
            .ToList();
        var stored = await fresh.ReadStreamsAsync(streams);
        var expected = firsts.Concat(acknowledged.SelectMany(a => a.Rows)).OrderBy(r => r.Stream, StringComparer.Ordinal).ThenBy(r => r.Sequence);
        Assert.Equal(expected, stored.Unpositioned());
    }

    private async Task<SqlJournalStore> Created()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    private static (JournalEntry[] Rows, Task<bool> Result) Attempt(CaseJournal journal, params JournalEntry[] rows) =>
        (rows, journal.AppendAsync(new JournalAppend(rows)));

    /// <summary>Waits for an append that either commits or is told the journal could not commit; anything else fails the test.</summary>
    private static async Task Settled(Task<bool> append)
    {
        try
        {
            await append;
        }
        catch (StorageUnavailableException)
        {
        }
    }
}

public sealed class SqliteGroupCommitTests : GroupCommitContract
{
    private SqliteFile? _file;

    protected override async Task<SqlJournalStore> CreateStoreAsync()
    {
        _file = await SqliteFile.CreateAsync();
        return new SqlJournalStore(_file.DataSource());
    }

    protected override SqlJournalStore Reopen() => new(_file!.DataSource());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}
