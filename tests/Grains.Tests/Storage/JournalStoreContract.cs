using Dispatch.Journal;
using Dispatch.Tests.Support;

namespace Dispatch.Tests.Storage;

/// <summary>
/// What every journal store promises (<see cref="IJournalStore"/>): rows stored only right after the row
/// they chain to, whole appends or nothing, the open-case index changed only with the row that carries
/// the change, and the indexed reads. Each test gets an empty store.
/// </summary>
public abstract class JournalStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = Rows.At;

    protected IJournalStore Store { get; private set; } = null!;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IJournalStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appended_rows_are_read_back_as_written_with_positions_in_commit_order()
    {
        var a = Rows.Chain("A", 4);
        var b = Rows.Chain("B", 2);

        Assert.True(await Append(a[0]));
        Assert.True(await Append(b[0]));
        Assert.True(await Append(a[1], a[2]));
        Assert.True(await Append(b[1]));
        Assert.True(await Append(a[3]));

        var stored = await Store.ReadAsync("A");
        Assert.Equal(a, stored.Unpositioned());
        Assert.Equal(b, (await Store.ReadAsync("B")).Unpositioned());
        Assert.Equal(a.Skip(2), (await Store.ReadAsync("A", afterSequence: 2)).Unpositioned());
        Assert.Empty(await Store.ReadAsync("A", afterSequence: 4));
        Assert.Empty(await Store.ReadAsync("nobody"));

        // Position follows commit order across streams: A1, B1, A2, A3, B2, A4.
        var positions = (await Store.ReadStreamsAsync(["A", "B"])).ToDictionary(r => (r.Stream, r.Sequence), r => r.Position);
        Assert.All(positions.Values, p => Assert.True(p > 0));
        var committed = new[] { ("A", 1), ("B", 1), ("A", 2), ("A", 3), ("B", 2), ("A", 4) }.Select(k => positions[k]).ToList();
        Assert.Equal(committed.Order(), committed);
        Assert.Equal(committed.Count, committed.Distinct().Count());
    }

    [Fact]
    public async Task A_second_writer_of_the_same_next_row_is_told_false_and_stores_nothing()
    {
        var first = Rows.First("A");
        Assert.True(await Append(first));

        var mine = Rows.After(first, "mine");
        var theirs = Rows.After(first, "theirs");
        Assert.True(await Append(theirs));
        Assert.False(await Append(mine));
        Assert.False(await Append(Rows.First("A", "a second first row")));

        Assert.Equal([first, theirs], (await Store.ReadAsync("A")).Unpositioned());
    }

    [Fact]
    public async Task A_row_that_does_not_chain_to_the_stored_row_is_refused()
    {
        var rows = Rows.Chain("A", 2);
        Assert.True(await Append(rows[0]));

        Assert.False(await Append(JournalEntry.Create("A", 2, "Note", "system:test", T0, "forged", null, "{}", new string('0', 64))));
        Assert.False(await Append(Rows.After(rows[1], "a gap")));
        Assert.False(await Append(Rows.After(Rows.First("B"), "the second row of an empty stream")));

        Assert.Equal([rows[0]], (await Store.ReadAsync("A")).Unpositioned());
        Assert.Empty(await Store.ReadAsync("B"));
    }

    [Fact]
    public async Task An_append_of_several_rows_is_stored_whole_or_not_at_all()
    {
        var stored = Rows.Chain("A", 2);
        Assert.True(await Append(stored[0], stored[1]));

        // A stale writer's rows 2 and 3: row 2 is taken, so its row 3 must not be stored either.
        var stale2 = Rows.After(stored[0], "stale");
        var stale3 = Rows.After(stale2);
        Assert.False(await Append(stale2, stale3));

        // Rows 3 and 4 whose row 4 does not follow row 3: the store may refuse the append or fail the
        // batch, but it must not keep row 3 alone.
        var row3 = Rows.After(stored[1]);
        var broken4 = JournalEntry.Create("A", 4, "Note", "system:test", T0, "broken", null, "{}", stored[1].Hash);
        try
        {
            Assert.False(await Append(row3, broken4));
        }
        catch (InvalidOperationException)
        {
        }

        Assert.Equal(stored, (await Store.ReadAsync("A")).Unpositioned());
    }

    [Fact]
    public async Task Within_one_batch_an_append_chained_on_an_earlier_one_is_stored_and_a_competing_one_is_not()
    {
        var a = Rows.Chain("A", 3);
        var b1 = Rows.First("B");
        var winner = Rows.After(b1, "winner");
        var loser = Rows.After(b1, "loser");
        Assert.True(await Append(b1));

        var stored = await Store.WriteAsync(
        [
            new JournalAppend([a[0]]),
            new JournalAppend([a[1]]),
            new JournalAppend([winner]),
            new JournalAppend([a[2]]),
            new JournalAppend([loser]),
        ]);

        Assert.Equal([true, true, true, true, false], stored);
        Assert.Equal(a, (await Store.ReadAsync("A")).Unpositioned());
        Assert.Equal([b1, winner], (await Store.ReadAsync("B")).Unpositioned());
    }

    [Fact]
    public async Task A_case_enters_the_open_index_with_the_append_that_opens_it()
    {
        var rows = Rows.Chain("A", 2);
        Assert.True(await AppendWith(null, rows[0]));
        Assert.Empty(await Store.OpenDesksAsync());

        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G1", delivered: false, T0), rows[1]));

        Assert.Equal(["grid:G1"], await Store.OpenDesksAsync());
        Assert.Equal(rows, (await Store.ReadOpenCasesAsync("grid:G1")).Unpositioned());
        Assert.Empty(await Store.ReadOpenCasesAsync("grid:G2"));
    }

    [Fact]
    public async Task A_desk_reads_every_row_of_exactly_its_open_cases_ordered_by_case_then_sequence()
    {
        // Written interleaved, so that commit order is not the order asked for.
        var c3 = Rows.Chain("C3", 3);
        var c1 = Rows.Chain("C1", 2);
        var c2 = Rows.Chain("C2", 1);
        var other = Rows.Chain("C0", 2);
        var ended = Rows.Chain("C15", 2);
        var g1 = OpenCaseChange.Open("grid:G1", delivered: true, T0);
        Assert.True(await AppendWith(g1, c3[0]));
        Assert.True(await AppendWith(g1, c1[0]));
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G2", delivered: true, T0), other[0]));
        Assert.True(await AppendWith(g1, ended[0]));
        Assert.True(await AppendWith(null, c3[1]));
        Assert.True(await AppendWith(g1, c2[0]));
        Assert.True(await AppendWith(null, c1[1]));
        Assert.True(await AppendWith(null, other[1]));
        Assert.True(await AppendWith(OpenCaseChange.Closed, ended[1]));
        Assert.True(await AppendWith(null, c3[2]));

        Assert.Equal([.. c1, .. c2, .. c3], (await Store.ReadOpenCasesAsync("grid:G1")).Unpositioned());
        Assert.Equal(other, (await Store.ReadOpenCasesAsync("grid:G2")).Unpositioned());
    }

    [Fact]
    public async Task The_index_moves_and_closes_with_the_append_that_carries_the_change()
    {
        var rows = Rows.Chain("A", 4);
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G1", delivered: true, T0), rows[0]));

        Assert.True(await AppendWith(OpenCaseChange.Open("department:water", delivered: false, T0), rows[1]));
        Assert.Empty(await Store.ReadOpenCasesAsync("grid:G1"));
        Assert.Equal(rows.Take(2), (await Store.ReadOpenCasesAsync("department:water")).Unpositioned());
        Assert.Equal(["department:water"], await Store.OpenDesksAsync());

        // No change carried: the case stays where it is.
        Assert.True(await AppendWith(null, rows[2]));
        Assert.Equal(rows.Take(3), (await Store.ReadOpenCasesAsync("department:water")).Unpositioned());

        Assert.True(await AppendWith(OpenCaseChange.Closed, rows[3]));
        Assert.Empty(await Store.ReadOpenCasesAsync("department:water"));
        Assert.Empty(await Store.OpenDesksAsync());
    }

    [Fact]
    public async Task A_refused_append_leaves_the_open_index_as_it_was()
    {
        var first = Rows.First("A");
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G1", delivered: false, T0), first));

        // A stale writer, alone in its batch: neither its close nor its move happens.
        Assert.True(await AppendWith(null, Rows.After(first, "stored")));
        Assert.False(await AppendWith(OpenCaseChange.Closed, Rows.After(first, "stale close")));
        Assert.False(await AppendWith(OpenCaseChange.Open("grid:G2", delivered: true, T0), Rows.After(first, "stale move")));
        Assert.Equal(["grid:G1"], await Store.OpenDesksAsync());
        Assert.Equal(["A"], await Store.ClaimUndeliveredAsync(T0, T0.AddMinutes(1), 10));

        // The same in one batch with the append that wins.
        var b1 = Rows.First("B");
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G3", delivered: true, T0), b1));
        var stored = await Store.WriteAsync(
        [
            new JournalAppend([Rows.After(b1, "winner")], OpenCaseChange.Open("grid:G3", delivered: true, T0)),
            new JournalAppend([Rows.After(b1, "loser closes")], OpenCaseChange.Closed),
            new JournalAppend([Rows.After(b1, "loser moves")], OpenCaseChange.Open("grid:G4", delivered: false, T0)),
        ]);

        Assert.Equal([true, false, false], stored);
        Assert.Equal(["grid:G1", "grid:G3"], (await Store.OpenDesksAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await Store.ReadOpenCasesAsync("grid:G3")).Count);
        Assert.Equal(["A"], await Store.ClaimUndeliveredAsync(T0.AddDays(1), T0.AddDays(2), 10));
    }

    [Fact]
    public async Task Claiming_takes_the_undelivered_cases_whose_time_came_and_moves_their_time_to_the_retry()
    {
        await Open("due-early", delivered: false, redriveAt: T0);
        await Open("due-late", delivered: false, redriveAt: T0.AddSeconds(5));
        await Open("not-yet", delivered: false, redriveAt: T0.AddSeconds(11));
        await Open("delivered", delivered: true, redriveAt: T0);
        var ended = await Open("ended", delivered: false, redriveAt: T0);
        Assert.True(await AppendWith(OpenCaseChange.Closed, Rows.After(ended)));

        var now = T0.AddSeconds(10);
        var retry = T0.AddSeconds(30);
        Assert.Equal(["due-early", "due-late"], (await Store.ClaimUndeliveredAsync(now, retry, 10)).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ClaimUndeliveredAsync(now, retry, 10));

        Assert.Equal(["not-yet"], await Store.ClaimUndeliveredAsync(retry.AddTicks(-1), retry.AddSeconds(30), 10));
        Assert.Equal(["due-early", "due-late"], (await Store.ClaimUndeliveredAsync(retry, retry.AddSeconds(30), 10)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_claim_takes_at_most_its_limit_longest_waiting_first()
    {
        await Open("third", delivered: false, redriveAt: T0.AddSeconds(3));
        await Open("first", delivered: false, redriveAt: T0.AddSeconds(1));
        await Open("fourth", delivered: false, redriveAt: T0.AddSeconds(4));
        await Open("second", delivered: false, redriveAt: T0.AddSeconds(2));

        var now = T0.AddMinutes(1);
        var retry = T0.AddMinutes(10);
        Assert.Equal(["first"], await Store.ClaimUndeliveredAsync(now, retry, 1));
        Assert.Equal(["second", "third"], (await Store.ClaimUndeliveredAsync(now, retry, 2)).Order(StringComparer.Ordinal));
        Assert.Equal(["fourth"], await Store.ClaimUndeliveredAsync(now, retry, 5));
    }

    [Fact]
    public async Task A_case_taken_in_by_its_desk_is_no_longer_claimed_but_keeps_its_redrive_time_while_undelivered()
    {
        var a = await Open("A", delivered: false, redriveAt: T0);
        var b = await Open("B", delivered: false, redriveAt: T0);

        // Moving an undelivered case keeps the time the sweeper set; taking it in ends the re-drive.
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G2", delivered: false, T0.AddHours(1)), Rows.After(a)));
        Assert.True(await AppendWith(OpenCaseChange.Open("grid:G1", delivered: true, T0), Rows.After(b)));

        Assert.Equal(["A"], await Store.ClaimUndeliveredAsync(T0, T0.AddMinutes(1), 10));
    }

    [Fact]
    public async Task A_desks_notices_come_newest_first_up_to_the_limit()
    {
        var a1 = Rows.First("A", "a1", noticeFor: "grid:G1");
        var b1 = Rows.First("B", "b1");
        var a2 = Rows.After(a1, "a2", noticeFor: "community:C1");
        var b2 = Rows.After(b1, "b2", noticeFor: "grid:G1");
        var a3 = Rows.After(a2, "a3", noticeFor: "grid:G1");
        foreach (var row in new[] { a1, b1, a2, b2, a3 })
        {
            Assert.True(await Append(row));
        }

        Assert.Equal([a3, b2, a1], (await Store.NoticesAsync("grid:G1", 10)).Unpositioned());
        Assert.Equal([a3, b2], (await Store.NoticesAsync("grid:G1", 2)).Unpositioned());
        Assert.Equal([a2], (await Store.NoticesAsync("community:C1", 10)).Unpositioned());
        Assert.Empty(await Store.NoticesAsync("grid:G2", 10));
    }

    [Fact]
    public async Task The_last_row_is_given_for_each_stream_that_has_any()
    {
        var a = Rows.Chain("A", 3);
        var b = Rows.Chain("B", 1);
        Assert.True(await Append(a[0], a[1]));
        Assert.True(await Append(b[0]));
        Assert.True(await Append(a[2]));

        var last = await Store.LastEntriesAsync(["B", "A", "missing", "A"]);

        Assert.Equal(["A", "B"], last.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(a[2], last["A"] with { Position = 0 });
        Assert.Equal(b[0], last["B"] with { Position = 0 });
        Assert.Empty(await Store.LastEntriesAsync([]));
    }

    [Fact]
    public async Task Several_streams_are_read_ordered_by_stream_in_ordinal_order_then_sequence()
    {
        // Ordinal order, as case numbers compare: "B-1" < "a-1" < "b-1" (a culture would put a before B).
        var upper = Rows.Chain("B-1", 2);
        var lower = Rows.Chain("a-1", 3);
        var last = Rows.Chain("b-1", 1);
        Assert.True(await Append(lower[0]));
        Assert.True(await Append(last[0]));
        Assert.True(await Append(upper[0]));
        Assert.True(await Append(lower[1], lower[2]));
        Assert.True(await Append(upper[1]));

        var rows = await Store.ReadStreamsAsync(["b-1", "a-1", "missing", "B-1", "a-1"]);

        Assert.Equal([.. upper, .. lower, .. last], rows.Unpositioned());
        Assert.Empty(await Store.ReadStreamsAsync([]));
    }

    [Fact]
    public async Task Open_desks_are_the_desks_tracking_at_least_one_open_case_each_named_once()
    {
        await Open("A", delivered: true, redriveAt: T0, desk: "grid:G2");
        await Open("B", delivered: true, redriveAt: T0, desk: "grid:G1");
        await Open("C", delivered: false, redriveAt: T0, desk: "grid:G2");
        var d = await Open("D", delivered: true, redriveAt: T0, desk: "department:water");
        Assert.True(await AppendWith(OpenCaseChange.Closed, Rows.After(d)));

        Assert.Equal(["grid:G1", "grid:G2"], (await Store.OpenDesksAsync()).Order(StringComparer.Ordinal));
    }

    private async Task<JournalEntry> Open(string stream, bool delivered, DateTimeOffset redriveAt, string desk = "grid:G1")
    {
        var row = Rows.First(stream);
        Assert.True(await AppendWith(OpenCaseChange.Open(desk, delivered, redriveAt), row));
        return row;
    }

    private Task<bool> Append(params JournalEntry[] rows) => AppendWith(null, rows);

    private async Task<bool> AppendWith(OpenCaseChange? change, params JournalEntry[] rows) =>
        (await Store.WriteAsync([new JournalAppend(rows, change)]))[0];
}

public sealed class MemoryJournalStoreTests : JournalStoreContract
{
    protected override Task<IJournalStore> CreateStoreAsync() => Task.FromResult<IJournalStore>(new MemoryJournalStore());
}

public sealed class SqliteJournalStoreTests : JournalStoreContract
{
    private SqliteFile? _file;

    protected override async Task<IJournalStore> CreateStoreAsync()
    {
        _file = await SqliteFile.CreateAsync();
        return new SqlJournalStore(_file.DataSource());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}
