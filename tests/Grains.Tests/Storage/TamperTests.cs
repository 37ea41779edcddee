using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dispatch.Tests.Storage;

/// <summary>
/// A case's rows changed in the database behind the journal's back — edited, removed, removed and
/// covered up — are caught by the hash chain (<see cref="JournalChain"/>), which names the row.
/// </summary>
public abstract class TamperContract : IAsyncLifetime
{
    private const string Case = "20260302-TAMPERED0001";

    private SqlJournalStore _store = null!;
    private IReadOnlyList<JournalEntry> _written = [];

    /// <summary>A store on a new database with the schema.</summary>
    protected abstract Task<SqlJournalStore> CreateStoreAsync();

    /// <summary>Runs SQL on that database behind the journal's back.</summary>
    protected abstract Task<int> ExecuteAsync(string sql);

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _written = await RecordCase();
        Assert.Equal(6, _written.Count);
    }

    public virtual async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_case_nobody_touched_checks_out_whole_and_from_any_row_on()
    {
        var rows = await _store.ReadAsync(Case);

        Assert.Equal(6, rows.Count);
        Assert.Null(JournalChain.Check(rows));
        Assert.Null(JournalChain.Check(rows.Skip(3).ToList(), 3, rows[2].Hash));
    }

    [Fact]
    public async Task A_row_edited_in_the_database_is_reported_by_its_number()
    {
        Assert.Equal(1, await ExecuteAsync($"UPDATE {SqlJournalStore.Table} SET reason = 'nothing happened' WHERE stream = '{Case}' AND seq = 3"));

        var rows = await _store.ReadAsync(Case);

        Assert.Equal("row 3 was changed after it was written (its hash does not match its fields)", JournalChain.Check(rows));
        // As a grain that had already folded rows 1 and 2 finds it.
        Assert.Equal("row 3 was changed after it was written (its hash does not match its fields)", JournalChain.Check(rows.Skip(2).ToList(), 2, rows[1].Hash));
    }

    [Fact]
    public async Task A_row_deleted_from_the_middle_is_reported_missing()
    {
        Assert.Equal(1, await ExecuteAsync($"DELETE FROM {SqlJournalStore.Table} WHERE stream = '{Case}' AND seq = 3"));

        Assert.Equal("row 3 is missing (the next row is 4)", JournalChain.Check(await _store.ReadAsync(Case)));
    }

    [Fact]
    public async Task A_deleted_row_whose_successor_was_relinked_to_the_row_before_is_still_reported_missing()
    {
        await ExecuteAsync($"DELETE FROM {SqlJournalStore.Table} WHERE stream = '{Case}' AND seq = 3");
        await ExecuteAsync($"UPDATE {SqlJournalStore.Table} SET previous_hash = '{_written[1].Hash}' WHERE stream = '{Case}' AND seq = 4");

        Assert.Equal("row 3 is missing (the next row is 4)", JournalChain.Check(await _store.ReadAsync(Case)));
    }

    [Fact]
    public async Task A_deleted_row_covered_up_by_renumbering_and_relinking_the_rest_is_reported_at_the_row_that_took_its_place()
    {
        await ExecuteAsync($"DELETE FROM {SqlJournalStore.Table} WHERE stream = '{Case}' AND seq = 3");
        // In two steps, so that no row takes a number still in use.
        await ExecuteAsync($"UPDATE {SqlJournalStore.Table} SET seq = -seq WHERE stream = '{Case}' AND seq > 3");
        await ExecuteAsync($"UPDATE {SqlJournalStore.Table} SET seq = -seq - 1 WHERE stream = '{Case}' AND seq < 0");
        await ExecuteAsync($"UPDATE {SqlJournalStore.Table} SET previous_hash = '{_written[1].Hash}' WHERE stream = '{Case}' AND seq = 3");

        var rows = await _store.ReadAsync(Case);

        Assert.Equal([1, 2, 3, 4, 5], rows.Select(r => r.Sequence));
        Assert.Equal("row 3 was changed after it was written (its hash does not match its fields)", JournalChain.Check(rows));
    }

    /// <summary>A case reported, dispatched, accepted, noted and resolved, recorded as the silo records it.</summary>
    private async Task<IReadOnlyList<JournalEntry>> RecordCase()
    {
        var clock = new FakeTimeProvider(Rows.At);
        await using var journal = new CaseJournal(_store, new JournalSignal(), NullLogger<CaseJournal>.Instance);
        var recorder = new CaseRecorder(journal, new DispatchTime(clock), Options.Create(new DispatchOptions()));
        var path = new TerritoryPath("test", "D1", "D1-S1", "D1-S1-C1", "D1-S1-C1-G1");
        var worker = ActorRef.Worker("W1");

        var state = await Record(null,
            new CaseChange(IncidentAction.Report, new ActorRef(ActorRole.Hotline, "h1"), "hotline report",
                new ReportData("sanitation", "bins overflowing", Channel.Hotline, new Reporter("Resident Wang", null), new Placement(path, "B1", PlacementMethod.Building, null, null))),
            new CaseChange(IncidentAction.Register, new ActorRef(ActorRole.Hotline, "h1"), "located", new RegisterData(path.LowestDesk, Rows.At.AddDays(1))));
        state = await Record(state, new CaseChange(IncidentAction.Dispatch, ActorRef.System("desk"), "nearest on duty", new AssignData(Assignee.Worker("W1"), Rows.At.AddHours(1))));
        state = await Record(state, new CaseChange(IncidentAction.Accept, worker));
        state = await Record(state, new CaseChange(IncidentAction.Note, worker, "on site"));
        await Record(state, new CaseChange(IncidentAction.Resolve, worker, "bins emptied"));
        return await _store.ReadAsync(Case);

        async Task<CaseState> Record(CaseState? before, params CaseChange[] changes)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            var recorded = await recorder.TryRecord(Case, before, changes);
            Assert.NotNull(recorded);
            return recorded.After;
        }
    }
}

public sealed class SqliteTamperTests : TamperContract
{
    private SqliteFile? _file;

    protected override async Task<SqlJournalStore> CreateStoreAsync()
    {
        _file = await SqliteFile.CreateAsync();
        return new SqlJournalStore(_file.DataSource());
    }

    protected override Task<int> ExecuteAsync(string sql) => _file!.ExecuteAsync(sql);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}
