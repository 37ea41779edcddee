using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Dispatch.Tests.Storage;

/// <summary>
/// The register table against the register's own definition of a match and of its order
/// (<see cref="IncidentQuery.Matches"/>, <see cref="IncidentCursor.NewestFirst"/>): whatever the
/// database, a search answers what the in-memory register would.
/// </summary>
public abstract class RegisterRowsContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Grids = ["D1-S1-C1-G1", "D1-S1-C1-G2", "D1-S1-C2-G1", "D1-S2-C3-G1", "D2-S3-C4-G1"];
    private static readonly string[] Categories = ["sanitation", "property", "fire-lane"];

    protected static Serializer<IncidentSummary> Serializer { get; } =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<IncidentSummary>>();

    /// <summary>An empty register table of the database under test.</summary>
    protected abstract Task<IIncidentRegisterRows> CreateRowsAsync();

    [Fact]
    public async Task Searches_answer_what_the_in_memory_register_answers()
    {
        var rows = await CreateRowsAsync();
        var cases = City(seed: 7, count: 400);
        foreach (var chunk in cases.Chunk(64))
        {
            await rows.UpsertAsync(chunk);
        }

        var window = new IncidentQuery { From = Now.AddDays(-3), To = Now.AddHours(1), Limit = 500 };
        IncidentQuery[] queries =
        [
            window,
            window with { From = Now.AddDays(-1), To = Now.AddHours(-6) },
            window with { GridId = Grids[0] },
            window with { CommunityId = "D1-S1-C1" },
            window with { StreetId = "D1-S1", Category = "property" },
            window with { DistrictId = "D2" },
            window with { WorkerId = "W3" },
            window with { Statuses = [IncidentStatus.Dispatched, IncidentStatus.Accepted] },
            window with { Overdue = true },
            window with { Overdue = false, GridId = Grids[2] },
            window with { Overdue = true, Statuses = [IncidentStatus.Accepted], DistrictId = "D1" },
            window with { Limit = 7 },
            window with { Limit = 7, After = IncidentCursor.Of(cases[100]) },
            window with { Category = "fire-lane", After = IncidentCursor.Of(cases[250]) },
        ];

        foreach (var query in queries)
        {
            var expected = Expected(cases, query);
            var found = await rows.QueryAsync(query, Now);
            Assert.True(expected.Count > 0, $"a query that matches nothing proves little: {query}");
            Assert.Equal(expected.Select(s => s.Id), found.Select(s => s.Id));
            Assert.Equal(expected, found);
        }
    }

    [Fact]
    public async Task Paging_by_cursor_visits_every_match_once_even_when_reports_share_an_instant()
    {
        var rows = await CreateRowsAsync();
        var cases = City(seed: 11, count: 120);
        await rows.UpsertAsync(cases);

        var query = new IncidentQuery { From = Now.AddDays(-3), To = Now.AddHours(1), Limit = 9, CommunityId = "D1-S1-C1" };
        var seen = new List<string>();
        for (var page = await rows.QueryAsync(query, Now); page.Count > 0; page = await rows.QueryAsync(query, Now))
        {
            Assert.True(seen.Count < cases.Count, "paging does not come to an end");
            seen.AddRange(page.Select(s => s.Id));
            query = query with { After = IncidentCursor.Of(page[^1]) };
        }

        Assert.Equal(Expected(cases, query with { After = null, Limit = int.MaxValue }).Select(s => s.Id), seen);
    }

    [Fact]
    public async Task A_row_is_replaced_only_by_a_newer_version()
    {
        var rows = await CreateRowsAsync();
        var first = City(seed: 3, count: 1)[0] with { Status = IncidentStatus.Registered, Version = 1, Assignee = null };
        var dispatched = first with { Status = IncidentStatus.Dispatched, Version = 2, Assignee = Assignee.Worker("W9") };
        var query = new IncidentQuery { From = Now.AddDays(-3), To = Now.AddHours(1) };

        await rows.UpsertAsync([dispatched]);
        await rows.UpsertAsync([first]);
        Assert.Equal([dispatched], await rows.QueryAsync(query, Now));

        var accepted = dispatched with { Status = IncidentStatus.Accepted, Version = 3 };
        await rows.UpsertAsync([accepted, dispatched]);
        Assert.Equal([accepted], await rows.QueryAsync(query, Now));
        Assert.Equal([accepted], await rows.QueryAsync(query with { WorkerId = "W9", Statuses = [IncidentStatus.Accepted] }, Now));
        Assert.Empty(await rows.QueryAsync(query with { Statuses = [IncidentStatus.Dispatched] }, Now));
    }

    private static List<IncidentSummary> Expected(IEnumerable<IncidentSummary> cases, IncidentQuery query)
    {
        var matches = cases.Where(s => query.Matches(s, Now)).ToList();
        matches.Sort(IncidentCursor.NewestFirst);
        return matches.Take(query.Limit).ToList();
    }

    /// <summary>Cases of three days over five grids; every third shares its report instant with another.</summary>
    private static List<IncidentSummary> City(int seed, int count)
    {
        var random = new Random(seed);
        var statuses = Enum.GetValues<IncidentStatus>();
        var cases = new List<IncidentSummary>();
        for (var i = 0; i < count; i++)
        {
            var grid = Grids[random.Next(Grids.Length)];
            var parts = grid.Split('-');
            var reportedAt = i % 3 == 2 ? cases[^1].ReportedAt : Now.AddMinutes(-random.Next(3 * 24 * 60)).AddTicks(random.Next(10_000));
            var status = statuses[random.Next(statuses.Length)];
            var worker = status is IncidentStatus.Reported or IncidentStatus.Registered ? null : $"W{random.Next(6)}";
            cases.Add(new IncidentSummary
            {
                Id = $"{reportedAt:yyyyMMdd}-{random.Next(1_000_000):D6}{i:D4}",
                Status = status,
                Category = Categories[random.Next(Categories.Length)],
                Channel = Channel.Hotline,
                Path = new TerritoryPath("test", parts[0], $"{parts[0]}-{parts[1]}", $"{parts[0]}-{parts[1]}-{parts[2]}", grid),
                BuildingId = $"{grid}-B00{random.Next(3)}",
                Tracker = DeskRef.Grid(grid),
                Assignee = worker is null ? null : Assignee.Worker(worker),
                ReportedAt = reportedAt,
                ResolveDue = random.Next(4) == 0 ? null : reportedAt.AddHours(random.Next(1, 72)),
                EscalatedTo = random.Next(5) == 0 ? new DeskRef(OrgLevel.Community, $"{parts[0]}-{parts[1]}-{parts[2]}") : null,
                Version = random.Next(1, 9),
                UpdatedAt = reportedAt.AddMinutes(random.Next(600)),
                Description = $"case {i}",
                ReworkCount = random.Next(2),
                Rating = status == IncidentStatus.Rated ? random.Next(1, 6) : null,
            });
        }

        return cases;
    }
}
