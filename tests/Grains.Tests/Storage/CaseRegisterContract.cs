using Dispatch.Desks;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Dispatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Dispatch.Tests.Storage;

/// <summary>
/// The register (<see cref="ICaseRegister"/>) is a projection of the journal: whatever the store,
/// after catching up it answers lists, statistics and escalated lists exactly as the fold of each
/// case's events and the shared rules (<see cref="CaseRegisterRules"/>) say, and rebuilding it from
/// nothing gives what was kept current pass by pass. The histories are a few hundred generated cases
/// (<see cref="CaseHistories"/>).
/// </summary>
public abstract class CaseRegisterContract : IAsyncLifetime
{
    protected static readonly Serializer<CaseState> Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<CaseState>>();

    private readonly List<object> _owned = [];

    protected CaseHistories Histories { get; private set; } = null!;

    protected IJournalStore Store { get; private set; } = null!;

    /// <summary>A store on a new, empty database.</summary>
    protected abstract Task<IJournalStore> CreateStoreAsync();

    /// <summary>A register over <see cref="Store"/> (for SQL, on the same database; each call a new one).</summary>
    protected abstract ICaseRegister CreateRegister();

    public async Task InitializeAsync()
    {
        Histories = await CaseHistories.SharedAsync();
        Store = Owned(await CreateStoreAsync());
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            if (owned is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Queries_answer_what_the_fold_of_every_case_gives()
    {
        // Workers' duty rows are in the journal too, and the register must pass over them.
        Assert.Contains(Histories.First, r => !CaseStreams.IsCase(r.Stream));
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var now = Histories.FirstEnd;

        foreach (var (name, query) in Queries(expected, now))
        {
            var wanted = expected.Query(query, now);
            Assert.True(wanted.Count > 0, $"no case matches '{name}': the histories do not cover it");
            Same(name, wanted, await register.QueryAsync(query, now));
        }
    }

    [Fact]
    public async Task A_department_finds_the_cases_it_leads_and_those_it_is_a_co_unit_of()
    {
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var now = Histories.FirstEnd;
        var roads = DeskRef.Department("roads");
        var coUnitOnly = expected.Cases.Where(c => c.Tracker != roads && c.CoUnits.Any(p => p.Department == "roads")).Select(c => c.Id).ToHashSet();
        Assert.NotEmpty(coUnitOnly);

        var found = await register.QueryAsync(Everything(now) with { Department = "roads" }, now);

        Assert.Superset(coUnitOnly, found.Select(s => s.Id).ToHashSet());
        Assert.Contains(found, s => s.Tracker == roads);
        Assert.All(found, s => Assert.True(s.Tracker == roads || coUnitOnly.Contains(s.Id), $"{s.Id} is neither led by roads nor has it as co-unit"));
    }

    [Fact]
    public async Task Paging_with_a_cursor_visits_every_case_once_in_order_through_cases_reported_in_the_same_instant()
    {
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var now = Histories.FirstEnd;
        var query = Everything(now) with { Limit = 3 };
        var all = expected.Query(query with { Limit = int.MaxValue }, now);
        // A run of cases in one instant longer than a page: a cursor that forgot the case number would skip some.
        Assert.True(all.GroupBy(s => s.ReportedAt).Max(g => g.Count()) > query.Limit, "no report instant is shared by more cases than a page holds");

        var seen = new List<IncidentSummary>();
        IncidentCursor? after = null;
        while (true)
        {
            var page = await register.QueryAsync(query with { After = after }, now);
            seen.AddRange(page);
            if (page.Count < query.Limit)
            {
                break;
            }

            after = IncidentCursor.Of(page[^1]);
        }

        Same("every page in turn", all, seen);
    }

    [Fact]
    public async Task The_figures_of_every_desk_are_the_sums_of_the_figures_of_the_cases_in_its_scope()
    {
        var register = await CaughtUpAsync(Histories.First);
        var reference = await ReferenceAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var desks = StatisticsDesks();

        foreach (var now in new[] { Histories.FirstEnd, Histories.FirstEnd.AddDays(-3) })
        {
            foreach (var desk in desks)
            {
                var wanted = expected.Statistics(desk, now);
                Assert.Equal(wanted, await register.StatisticsAsync(desk, now));
                Assert.Equal(wanted, await reference.StatisticsAsync(desk, now));
            }
        }

        // The figures cover what they should: otherwise equal sums of nothing would prove nothing.
        var city = expected.Statistics(new DeskRef(OrgLevel.City, CaseHistories.City), Histories.FirstEnd);
        Assert.All(new long[] { city.Open, city.Overdue, city.Escalated, city.Closed, city.ClosedOnTime, city.Closed - city.ClosedOnTime, city.Rated, city.Reworked, city.Escalations, city.Cancelled, city.Merged, city.Unconfirmed },
            figure => Assert.True(figure > 0, "a figure is 0 for the whole city"));
        Assert.Equal(CaseStatistics.Empty, await register.StatisticsAsync(new DeskRef(OrgLevel.Community, "D9-S9-C9"), Histories.FirstEnd));
    }

    [Fact]
    public async Task A_periods_figures_and_assessment_lines_are_those_of_the_cases_reported_in_it()
    {
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var byReport = expected.Cases.Select(c => c.ReportedAt).Order().ToArray();
        var (from, to) = (byReport[byReport.Length / 4], byReport[3 * byReport.Length / 4]);
        var now = Histories.FirstEnd;

        var inPeriod = expected.Cases.Where(c => c.ReportedAt >= from && c.ReportedAt < to).ToArray();
        Assert.InRange(inPeriod.Length, 1, expected.Cases.Count - 1);
        foreach (var desk in StatisticsDesks())
        {
            var wanted = inPeriod.Where(s => CaseRegisterRules.InScope(s, desk)).Aggregate(CaseStatistics.Empty, (sum, s) => sum.Add(CaseRegisterRules.Figures(s, now)));
            Assert.Equal(wanted, await register.StatisticsAsync(desk, now, from, to));
        }

        static string Line(AssessedCase c) => c.ToString();
        Assert.Equal(inPeriod.Select(AssessedCase.Of).Select(Line).Order(StringComparer.Ordinal),
            (await register.AssessedAsync(from, to)).Select(Line).Order(StringComparer.Ordinal));
        Assert.Contains(inPeriod, c => c.Rating is not null);
    }

    [Fact]
    public async Task Each_area_desk_lists_the_cases_escalated_to_it_that_still_wait_for_a_result()
    {
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);

        foreach (var desk in CaseHistories.Areas.Where(d => d.Level != OrgLevel.Grid))
        {
            Same($"escalated to {desk}", expected.EscalatedTo(desk), await register.EscalatedToAsync(desk));
        }

        foreach (var level in new[] { OrgLevel.Community, OrgLevel.Street, OrgLevel.District, OrgLevel.City })
        {
            Assert.True(CaseHistories.Areas.Where(d => d.Level == level).Any(d => expected.EscalatedTo(d).Count > 0),
                $"no {level} desk has an escalated case: the histories do not cover it");
        }
    }

    [Fact]
    public async Task Rebuilt_from_nothing_it_answers_exactly_as_when_kept_current_pass_by_pass()
    {
        var register = await CaughtUpAsync(Histories.First);
        foreach (var part in Histories.Later)
        {
            await LoadAsync(part);
            Assert.Equal(part.Count, await register.CatchUpAsync());
        }

        var now = Histories.End;
        var live = await AnswersAsync(register, Expected.Of(Histories.All), now);
        Compare("kept current, against the fold", Expected.Of(Histories.All).Answers(now), live);

        await register.ResetAsync();
        Assert.Empty(await register.QueryAsync(Everything(now), now));
        Assert.Equal(Histories.All.Count(), await register.CatchUpAsync());

        Compare("rebuilt, against kept current", live, await AnswersAsync(register, Expected.Of(Histories.All), now));
    }

    [Fact]
    public async Task Catching_up_again_with_nothing_new_reads_nothing_and_changes_nothing()
    {
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);
        var before = await AnswersAsync(register, expected, Histories.FirstEnd);

        Assert.Equal(0, await register.CatchUpAsync());

        Compare("after a second catch-up", before, await AnswersAsync(register, expected, Histories.FirstEnd));
        Compare("against the fold", expected.Answers(Histories.FirstEnd), before);
    }

    [Fact]
    public async Task A_case_whose_history_cannot_be_read_is_left_out_and_the_rest_of_the_register_carries_on()
    {
        // A stream that does not start with a report (its first row removed, or written by a newer
        // version): the fold refuses it. Every other case must still be listed and counted.
        var unreadable = Rows.Chain("20260302-UNREADABLE00", 2);
        await LoadAsync(unreadable);
        var register = await CaughtUpAsync(Histories.First);
        var expected = Expected.Of(Histories.First);

        Compare("with an unreadable case beside them", expected.Answers(Histories.FirstEnd), await AnswersAsync(register, expected, Histories.FirstEnd));
    }

    /// <summary>Loads rows into <see cref="Store"/> as the journal would have committed them, in batches of appends.</summary>
    protected async Task LoadAsync(IEnumerable<JournalEntry> rows) => await LoadAsync(Store, rows);

    protected async Task<ICaseRegister> CaughtUpAsync(IReadOnlyList<JournalEntry> rows)
    {
        await LoadAsync(rows);
        var register = Owned(CreateRegister());
        Assert.True(await register.CatchUpAsync() >= rows.Count);
        return register;
    }

    protected T Owned<T>(T owned)
        where T : notnull
    {
        _owned.Add(owned);
        return owned;
    }

    private static async Task LoadAsync(IJournalStore store, IEnumerable<JournalEntry> rows)
    {
        foreach (var batch in rows.Select(r => new JournalAppend([r with { Position = 0 }])).Chunk(500))
        {
            Assert.All(await store.WriteAsync(batch), Assert.True);
        }
    }

    /// <summary>The memory register over the same rows: SQL and memory must agree, not only each with the fold.</summary>
    private static async Task<ICaseRegister> ReferenceAsync(IEnumerable<JournalEntry> rows)
    {
        var store = new MemoryJournalStore();
        await LoadAsync(store, rows);
        var register = new MemoryCaseRegister(store);
        await register.CatchUpAsync();
        return register;
    }

    protected static IncidentQuery Everything(DateTimeOffset now) =>
        new() { From = CaseHistories.Start.AddDays(-1), To = now.AddDays(1), Limit = IncidentRegister.MaxLimit };

    private static IReadOnlyList<DeskRef> StatisticsDesks() => [.. CaseHistories.Areas, .. CaseHistories.Departments];

    /// <summary>Queries covering every criterion, alone and together, each matched by some case.</summary>
    private static IEnumerable<(string Name, IncidentQuery Query)> Queries(Expected expected, DateTimeOffset now)
    {
        var all = Everything(now);
        var newestFirst = expected.Query(all with { Limit = int.MaxValue }, now);
        var byReport = newestFirst.AsEnumerable().Reverse().ToList();
        var tied = newestFirst.Where((s, i) => i + 1 < newestFirst.Count && newestFirst[i + 1].ReportedAt == s.ReportedAt).ElementAt(3);

        yield return ("everything", all);
        yield return ("the first page of five", all with { Limit = 5 });
        yield return ("dispatched or accepted", all with { Statuses = [IncidentStatus.Dispatched, IncidentStatus.Accepted] });
        yield return ("closed or rated", all with { Statuses = [IncidentStatus.Closed, IncidentStatus.Rated] });
        yield return ("merged or cancelled", all with { Statuses = [IncidentStatus.Merged, IncidentStatus.Cancelled] });
        yield return ("in a grid", all with { GridId = "D1-S1-C1-G1" });
        yield return ("in a community", all with { CommunityId = "D1-S2-C1" });
        yield return ("in a street", all with { StreetId = "D2-S1" });
        yield return ("in a district", all with { DistrictId = "D1" });
        yield return ("of a category", all with { Category = "noise" });
        yield return ("of a worker", all with { WorkerId = "W3" });
        yield return ("overdue", all with { Overdue = true });
        yield return ("not overdue, in a district", all with { Overdue = false, DistrictId = "D2" });
        yield return ("water cases waiting for a result, overdue", all with
        {
            Statuses = [IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.Accepted], Category = "water", Overdue = true,
        });
        yield return ("reported from one case's instant up to another's", all with
        {
            From = byReport[byReport.Count / 3].ReportedAt, To = byReport[2 * byReport.Count / 3].ReportedAt,
        });
        yield return ("after a case that shares its report instant", all with { After = IncidentCursor.Of(tied) });
        yield return ("after a case, in a street, by a worker", all with { After = IncidentCursor.Of(newestFirst[20]), StreetId = "D1-S1", WorkerId = "W1" });
        yield return ("a department's hand: led or co-unit", all with { Department = "roads" });
        yield return ("a department's hand, open, in a district", all with
        {
            Department = "water", DistrictId = "D1", Statuses = [IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.Accepted],
        });
    }

    protected static async Task<Answers> AnswersAsync(ICaseRegister register, Expected expected, DateTimeOffset now) => new(
        [.. await Task.WhenAll(Queries(expected, now).Select(q => register.QueryAsync(q.Query, now)))],
        [.. await Task.WhenAll(StatisticsDesks().Select(d => register.StatisticsAsync(d, now)))],
        [.. await Task.WhenAll(CaseHistories.Areas.Where(d => d.Level != OrgLevel.Grid).Select(d => register.EscalatedToAsync(d)))]);

    protected static void Compare(string what, Answers expected, Answers actual)
    {
        for (var i = 0; i < expected.Queries.Count; i++)
        {
            Same($"{what}: query {i}", expected.Queries[i], actual.Queries[i]);
        }

        Assert.Equal(expected.Statistics, actual.Statistics);
        for (var i = 0; i < expected.Escalated.Count; i++)
        {
            Same($"{what}: escalated list {i}", expected.Escalated[i], actual.Escalated[i]);
        }
    }

    /// <summary>Equal lists, or a failure that says which answer and where it first differs.</summary>
    protected static void Same<T>(string what, IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        var at = 0;
        while (at < expected.Count && at < actual.Count && EqualityComparer<T>.Default.Equals(expected[at], actual[at]))
        {
            at++;
        }

        if (at < expected.Count || at < actual.Count)
        {
            Assert.Fail($"{what}: expected {expected.Count} items, got {actual.Count}; they first differ at {at}:\n"
                + $"expected {(at < expected.Count ? expected[at] : "nothing")}\n     got {(at < actual.Count ? actual[at] : "nothing")}");
        }
    }

    protected sealed record Answers(
        IReadOnlyList<IReadOnlyList<IncidentSummary>> Queries,
        IReadOnlyList<CaseStatistics> Statistics,
        IReadOnlyList<IReadOnlyList<EscalatedCase>> Escalated);

    /// <summary>What the register should say: the fold of each case's rows, through the rules every register shares.</summary>
    protected sealed class Expected(IReadOnlyList<CaseState> cases)
    {
        public IReadOnlyList<CaseState> Cases => cases;

        public static Expected Of(IEnumerable<JournalEntry> rows) => new(rows.Where(r => CaseStreams.IsCase(r.Stream)).GroupBy(r => r.Stream)
            .Select(g => CaseFold.Replay(g.OrderBy(r => r.Sequence).Select(CaseEventCodec.Decode))!)
            .ToList());

        public IReadOnlyList<IncidentSummary> Query(IncidentQuery query, DateTimeOffset now)
        {
            var matches = cases.Where(s => CaseRegisterRules.MatchesState(s, query)).Select(CaseRegisterRules.Summary).Where(s => query.Matches(s, now)).ToList();
            matches.Sort(IncidentCursor.NewestFirst);
            return matches.Take(query.Limit).ToList();
        }

        public CaseStatistics Statistics(DeskRef desk, DateTimeOffset now) =>
            cases.Where(s => CaseRegisterRules.InScope(s, desk)).Aggregate(CaseStatistics.Empty, (sum, s) => sum.Add(CaseRegisterRules.Figures(s, now)));

        public IReadOnlyList<EscalatedCase> EscalatedTo(DeskRef desk) => cases.Where(s => CaseRegisterRules.EscalatedTo(s, desk))
            .Select(s => CaseRegisterRules.Listing(s, desk))
            .OrderBy(e => e.At)
            .ThenBy(e => e.IncidentId, StringComparer.Ordinal)
            .ToList();

        public Answers Answers(DateTimeOffset now) => new(
            Queries(this, now).Select(q => Query(q.Query, now)).ToList(),
            StatisticsDesks().Select(d => Statistics(d, now)).ToList(),
            CaseHistories.Areas.Where(d => d.Level != OrgLevel.Grid).Select(EscalatedTo).ToList());
    }
}

/// <summary>What only a register kept in a database can show: several silos' registers share one table and one checkpoint.</summary>
public abstract class SqlCaseRegisterContract : CaseRegisterContract
{
    [Fact]
    public async Task Two_registers_over_one_database_catching_up_at_once_apply_each_row_once_and_agree()
    {
        await LoadAsync(Histories.First);
        var first = Owned(CreateRegister());
        var second = Owned(CreateRegister());

        var read = await Task.WhenAll(first.CatchUpAsync(), second.CatchUpAsync());

        Assert.Equal(Histories.First.Count, read.Sum());
        var expected = Expected.Of(Histories.First);
        Compare("the first, against the fold", expected.Answers(Histories.FirstEnd), await AnswersAsync(first, expected, Histories.FirstEnd));
        Compare("the second, against the fold", expected.Answers(Histories.FirstEnd), await AnswersAsync(second, expected, Histories.FirstEnd));
        Assert.Equal(0, await first.CatchUpAsync());
    }
}

public sealed class MemoryCaseRegisterTests : CaseRegisterContract
{
    private MemoryJournalStore? _store;

    protected override Task<IJournalStore> CreateStoreAsync() => Task.FromResult<IJournalStore>(_store = new MemoryJournalStore());

    protected override ICaseRegister CreateRegister() => new MemoryCaseRegister(_store!);
}

public sealed class SqliteCaseRegisterTests : SqlCaseRegisterContract
{
    private SqliteFile? _file;

    protected override async Task<IJournalStore> CreateStoreAsync()
    {
        _file = await SqliteFile.CreateAsync();
        return new SqlJournalStore(_file.DataSource());
    }

    protected override ICaseRegister CreateRegister() => new SqlCaseRegister(_file!.DataSource(), Serializer);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}
