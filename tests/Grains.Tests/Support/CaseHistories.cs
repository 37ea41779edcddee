using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dispatch.Tests.Support;

/// <summary>
/// A few hundred random but legal case histories in a small territory, recorded as the silo records
/// them (<see cref="CaseRecorder"/> through group commit) into an in-memory journal, under a fake
/// clock that moves between steps — and sometimes does not, so that cases share report instants.
/// They cover every status, grids, communities and streets as tracking desks, departments,
/// escalations up to the city, rework, ratings, merges, cancellations, extra callers and imported
/// cases, with workers' duty rows in between. The same seed gives the same rows.
/// </summary>
public sealed class CaseHistories
{
    public const string City = "test";
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly string[] Categories = ["sanitation", "roads", "water", "noise", "lighting"];
    public static readonly DeskRef[] Departments = [DeskRef.Department("water"), DeskRef.Department("roads")];
    private static readonly string[] Workers = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"];

    /// <summary>Where cases are: every grid, two communities and a street without grids below them.</summary>
    public static IReadOnlyList<TerritoryPath> Places { get; } =
    [
        .. new[] { ("D1", "D1-S1", "D1-S1-C1"), ("D1", "D1-S1", "D1-S1-C2"), ("D1", "D1-S2", "D1-S2-C1"), ("D2", "D2-S1", "D2-S1-C1"), ("D2", "D2-S1", "D2-S1-C2") }
            .SelectMany(c => new[] { new TerritoryPath(City, c.Item1, c.Item2, c.Item3, c.Item3 + "-G1"), new TerritoryPath(City, c.Item1, c.Item2, c.Item3, c.Item3 + "-G2") }),
        new TerritoryPath(City, "D1", "D1-S2", "D1-S2-C1", null),
        new TerritoryPath(City, "D2", "D2-S1", "D2-S1-C2", null),
        new TerritoryPath(City, "D2", "D2-S2", null, null),
    ];

    /// <summary>Every area desk of the territory, grids to city.</summary>
    public static IReadOnlyList<DeskRef> Areas { get; } =
    [
        .. new[] { OrgLevel.Grid, OrgLevel.Community, OrgLevel.Street, OrgLevel.District }
            .SelectMany(level => Places.Select(p => p.IdAt(level)).OfType<string>().Distinct().Select(id => new DeskRef(level, id))),
        new DeskRef(OrgLevel.City, City),
    ];

    private static readonly Lazy<Task<CaseHistories>> Shared = new(() => GenerateAsync(seed: 20260302));

    private CaseHistories(IReadOnlyList<JournalEntry> first, IReadOnlyList<IReadOnlyList<JournalEntry>> later, DateTimeOffset firstEnd, DateTimeOffset end)
    {
        First = first;
        Later = later;
        FirstEnd = firstEnd;
        End = end;
    }

    /// <summary>The rows of the first stretch, in commit order.</summary>
    public IReadOnlyList<JournalEntry> First { get; }

    /// <summary>What was recorded after, in parts, each in commit order.</summary>
    public IReadOnlyList<IReadOnlyList<JournalEntry>> Later { get; }

    /// <summary>The clock when <see cref="First"/> ends.</summary>
    public DateTimeOffset FirstEnd { get; }

    /// <summary>The clock at the end.</summary>
    public DateTimeOffset End { get; }

    public IEnumerable<JournalEntry> All => First.Concat(Later.SelectMany(part => part));

    /// <summary>The histories every test shares: generated once, in memory, in well under a second.</summary>
    public static Task<CaseHistories> SharedAsync() => Shared.Value;

    private static async Task<CaseHistories> GenerateAsync(int seed)
    {
        var clock = new FakeTimeProvider(Start);
        var store = new MemoryJournalStore();
        await using var journal = new CaseJournal(store, new JournalSignal(), NullLogger<CaseJournal>.Instance);
        var simulation = new Simulation(new Random(seed), clock, new CaseRecorder(journal, new DispatchTime(clock), Options.Create(new DispatchOptions())));

        await simulation.RunAsync(newCases: 260, steps: 1_800);
        var first = store.ReadAfter(0, int.MaxValue);
        var firstEnd = clock.GetUtcNow();
        await simulation.RunAsync(newCases: 50, steps: 400);
        var later = store.ReadAfter(first.Count, int.MaxValue);
        return new CaseHistories(first, later.Chunk((later.Count + 3) / 4).ToArray(), firstEnd, clock.GetUtcNow());
    }

    private sealed class Simulation(Random random, FakeTimeProvider clock, CaseRecorder recorder)
    {
        private static readonly (IncidentAction Action, int Weight)[] Weights =
        [
            (IncidentAction.Acknowledge, 18), (IncidentAction.Dispatch, 24), (IncidentAction.Accept, 24), (IncidentAction.Reject, 2),
            (IncidentAction.Recall, 2), (IncidentAction.Reassign, 2), (IncidentAction.Resolve, 18), (IncidentAction.Verify, 15),
            (IncidentAction.FailVerification, 5), (IncidentAction.Close, 18), (IncidentAction.Rate, 15), (IncidentAction.Merge, 1),
            (IncidentAction.Cancel, 1), (IncidentAction.Escalate, 7), (IncidentAction.Notify, 2), (IncidentAction.Notice, 2),
            (IncidentAction.AddReporter, 2), (IncidentAction.Supervise, 2), (IncidentAction.Note, 2),
            // Returns, routes, extensions, parking and appeals are rare, as in a city (with more, no case closed on time).
            (IncidentAction.Return, 1), (IncidentAction.Route, 1), (IncidentAction.RequestExtension, 1), (IncidentAction.ApproveExtension, 1),
            (IncidentAction.RefuseExtension, 1), (IncidentAction.Park, 1), (IncidentAction.Unpark, 6), (IncidentAction.Appeal, 1),
            (IncidentAction.Contact, 3), (IncidentAction.ContactMissed, 1), (IncidentAction.ReviewDue, 2),
            (IncidentAction.AddCoUnit, 1), (IncidentAction.ReportPart, 3),
            // A report held for its on-site check (核实) is mostly confirmed and filed, sometimes not.
            (IncidentAction.Register, 12), (IncidentAction.FailConfirmation, 4),
        ];

        private readonly List<CaseState> _active = [];
        private readonly List<string> _ids = [];
        private readonly Dictionary<string, JournalEntry> _duty = [];

        private DateTimeOffset Now => clock.GetUtcNow();

        public async Task RunAsync(int newCases, int steps)
        {
            var started = 0;
            while (started < newCases || steps > 0)
            {
                if (started < newCases && (_active.Count < 25 || random.Next(3) == 0))
                {
                    // Now and then a burst of reports in one instant.
                    var burst = random.Next(8) == 0 ? random.Next(3, 7) : 1;
                    for (var i = 0; i < burst && started < newCases; i++, started++)
                    {
                        await StartAsync();
                    }
                }
                else
                {
                    if (_active.Count > 0)
                    {
                        await StepAsync(random.Next(_active.Count));
                    }

                    steps--;
                }

                if (random.Next(40) == 0)
                {
                    await DutyAsync();
                }

                switch (random.Next(10))
                {
                    case < 3:
                        break;
                    case < 8:
                        clock.Advance(TimeSpan.FromMinutes(random.Next(1, 60)));
                        break;
                    default:
                        clock.Advance(TimeSpan.FromHours(random.Next(1, 5)));
                        break;
                }
            }
        }

        private async Task StartAsync()
        {
            var n = _ids.Count;
            var id = $"{random.Next(1000, 10000)}-{n:D4}";
            _ids.Add(id);
            IReadOnlyList<CaseChange> changes;
            if (n > 20 && random.Next(25) == 0)
            {
                // A case from before the journal: some other case's view as the old grain held it.
                var old = CaseFold.View(CaseEventCodec.Decode(await recorder.Journal.ReadAsync(_ids[random.Next(n)])))!;
                changes = [new CaseChange(IncidentAction.Import, ActorRef.System("import"), "imported", new ImportData(old))];
            }
            else
            {
                var place = Places[random.Next(Places.Count)];
                var category = Categories[random.Next(Categories.Length)];
                var tracker = category == "water" ? Departments[0] : category == "roads" && random.Next(2) == 0 ? Departments[1] : place.LowestDesk;
                var description = random.Next(10) == 0 ? $"{new string('x', 150)} {n}" : $"report {n} of {category}";
                var hotline = new ActorRef(ActorRole.Hotline, "h1");
                var report = new CaseChange(IncidentAction.Report, hotline, "report",
                    new ReportData(category, description, (Channel)random.Next(5), new Reporter($"Resident {n}", null), new Placement(place, $"B{n}", PlacementMethod.Building, null, null)));
                changes = place.GridId is { } grid && random.Next(8) == 0
                    ? [report, new CaseChange(IncidentAction.HoldForConfirmation, hotline, "to be checked on site", new ConfirmationData(DeskRef.Grid(grid), Now.AddHours(random.Next(2, 24))))]
                    : [report, new CaseChange(IncidentAction.Register, hotline, "located", new RegisterData(tracker, Now.AddHours(random.Next(12, 240)), random.Next(2) == 0 ? Now.AddHours(random.Next(1, 12)) : null))];
            }

            var state = await RecordAsync(id, null, changes);
            if (state.Status.IsOpen() || state.Status == IncidentStatus.Closed)
            {
                _active.Add(state);
            }
        }

        /// <summary>A worker going on or off duty: a row of the journal that is not a case's.</summary>
        private async Task DutyAsync()
        {
            var worker = Workers[random.Next(Workers.Length)];
            var row = new DutyChange(worker, "D1-S1-C1-G1", random.Next(2) == 0).Encode(_duty.GetValueOrDefault(worker), "worker:" + worker, Now);
            if (!await recorder.Journal.AppendAsync(new JournalAppend([row])))
            {
                throw new InvalidOperationException($"Nobody else writes the duty of {worker}.");
            }

            _duty[worker] = row;
        }

        private async Task StepAsync(int index)
        {
            var s = _active[index];
            var action = Choose(s);
            if (action is null)
            {
                _active.RemoveAt(index);
                return;
            }

            var after = await RecordAsync(s.Id, s, [Change(s, action.Value)]);
            if (after.Status is IncidentStatus.Rated or IncidentStatus.Merged or IncidentStatus.Cancelled or IncidentStatus.Unconfirmed)
            {
                _active.RemoveAt(index);
            }
            else
            {
                _active[index] = after;
            }
        }

        private async Task<CaseState> RecordAsync(string id, CaseState? state, IReadOnlyList<CaseChange> changes) =>
            (await recorder.TryRecord(id, state, changes) ?? throw new InvalidOperationException($"Nobody else writes case {id}.")).After;

        /// <summary>A legal next action, weighted; null to leave a closed case unrated.</summary>
        private IncidentAction? Choose(CaseState s)
        {
            if (s.Status == IncidentStatus.Closed && random.Next(3) == 0)
            {
                return null;
            }

            var candidates = Weights.Where(w => IncidentStateMachine.IsLegal(s.Status, w.Action)
                && (w.Action != IncidentAction.Acknowledge || !s.Delivered)
                && (w.Action != IncidentAction.Escalate || NextUp(s) is not null)
                && (w.Action != IncidentAction.AddCoUnit || FreeCoUnit(s) is not null)
                && (w.Action != IncidentAction.ReportPart || s.OutstandingParts.Any())).ToList();
            var pick = random.Next(candidates.Sum(c => c.Weight));
            foreach (var (action, weight) in candidates)
            {
                if ((pick -= weight) < 0)
                {
                    return action;
                }
            }

            throw new InvalidOperationException($"Nothing is legal on a {s.Status} case.");
        }

        private CaseChange Change(CaseState s, IncidentAction action)
        {
            var desk = ActorRef.System("desk");
            var officer = ActorRef.Operator("duty-officer");
            var assignee = s.Assignee?.WorkerId is { } w ? ActorRef.Worker(w) : officer;
            var n = random.Next(100_000);
            return action switch
            {
                IncidentAction.Dispatch or IncidentAction.Reassign => new CaseChange(action, desk, "assigned",
                    s.Status == IncidentStatus.AwaitingConfirmation
                        ? new AssignData(PickAssignee(s), null, null, random.Next(2) == 0 ? Now.AddHours(4) : null)
                        : new AssignData(PickAssignee(s), Now.AddMinutes(30), action == IncidentAction.Reassign && random.Next(2) == 0 ? s.Assignee?.WorkerId : null)),
                IncidentAction.Recall => new CaseChange(action, desk, "accept deadline passed", new RecallData(random.Next(2) == 0 ? s.Assignee?.WorkerId : null)),
                IncidentAction.Reject => new CaseChange(action, assignee, "not my trade", NoticeFor: s.Tracker),
                IncidentAction.Accept or IncidentAction.Resolve or IncidentAction.Note => new CaseChange(action, assignee, $"{action} {n}"),
                IncidentAction.FailVerification => new CaseChange(action, officer, "not fixed",
                    new ReworkData(Now.AddHours(random.Next(12, 120)), s.Escalations.Count == 0 ? null : Now.AddHours(random.Next(2, 24)))),
                IncidentAction.Rate => new CaseChange(action, new ActorRef(ActorRole.Hotline, "follow-up"), "rated", new RateData(random.Next(1, 6))),
                IncidentAction.Merge => new CaseChange(action, officer, "same problem", new MergeData(Other(s.Id))),
                IncidentAction.Escalate => Escalation(s),
                IncidentAction.Notify => new CaseChange(action, desk, "emergency", new NotifyData(NextUp(s) ?? new DeskRef(OrgLevel.City, City)), NextUp(s)),
                IncidentAction.Notice => new CaseChange(action, ActorRef.System("clock"), "deadline missed",
                    NextUp(s) is null && s.EscalationDue is { } due ? new TopReachedData(due) : null, s.Tracker),
                IncidentAction.AddReporter => new CaseChange(action, new ActorRef(ActorRole.Hotline, "h2"), "same problem",
                    new ReporterData(new Reporter($"Neighbour {n}", "13900000000"), $"DUP-{n}")),
                IncidentAction.Acknowledge => new CaseChange(action, desk, "taken in"),
                IncidentAction.Return => Returned(s, assignee),
                IncidentAction.Route => new CaseChange(action, officer, "routed",
                    new RouteData(s.Tracker, s.Tracker == s.Placement.Path.LowestDesk ? Departments[1] : s.Placement.Path.LowestDesk)),
                IncidentAction.RequestExtension => new CaseChange(action, assignee, "more time", new ExtensionData(Now.AddHours(random.Next(24, 240))), s.Tracker),
                IncidentAction.Park => new CaseChange(action, officer, "needs a budget", new ParkData(Now.AddDays(random.Next(10, 90)))),
                IncidentAction.AddCoUnit => new CaseChange(action, officer, "co-unit", new CoUnitData(FreeCoUnit(s)!, "do your part", Now.AddDays(3)), DeskRef.Department(FreeCoUnit(s)!)),
                IncidentAction.ReportPart => new CaseChange(action, officer, "part done", new PartData(s.OutstandingParts.First().Department), s.Tracker),
                IncidentAction.Unpark => new CaseChange(action, officer, "budget approved",
                    new UnparkData(Now.AddHours(random.Next(12, 120)), s.Escalations.Count == 0 ? null : Now.AddHours(random.Next(2, 24)))),
                IncidentAction.Contact => new CaseChange(action, assignee, $"called the resident {n}"),
                IncidentAction.ContactMissed => new CaseChange(action, ActorRef.System("clock"), "first contact missed", NoticeFor: NextUp(s) ?? s.Tracker),
                IncidentAction.ReviewDue => new CaseChange(action, ActorRef.System("clock"), "due for review", new ReviewData(s.ReviewOn ?? Now), s.Tracker),
                IncidentAction.Register => new CaseChange(action, assignee, "confirmed on site",
                    new RegisterData(s.Category == "water" ? Departments[0] : s.Tracker, Now.AddHours(random.Next(12, 240)))),
                IncidentAction.FailConfirmation => new CaseChange(action, assignee, "nothing found on site"),
                IncidentAction.Appeal => new CaseChange(action, new ActorRef(ActorRole.Hotline, "follow-up"), "not fixed after all",
                    new ReworkData(Now.AddHours(random.Next(12, 120)), s.Escalations.Count == 0 ? null : Now.AddHours(random.Next(2, 24)))),
                _ => new CaseChange(action, officer, $"{action} {n}"),
            };
        }

        private CaseChange Returned(CaseState s, ActorRef by)
        {
            var to = EscalationChain.Next(s.Placement.Path, s.Tracker, []) ?? new DeskRef(OrgLevel.City, City);
            return new CaseChange(IncidentAction.Return, by, "not ours", new ReturnData(s.Tracker, to, Fallback: random.Next(3) == 0), to);
        }

        private CaseChange Escalation(CaseState s)
        {
            var to = NextUp(s)!.Value;
            var next = to.Level == OrgLevel.City ? (DateTimeOffset?)null : Now.AddHours(random.Next(2, 48));
            return new CaseChange(IncidentAction.Escalate, ActorRef.System("clock"), $"no result by {s.EscalationDue:u}", new EscalateData(to, next), to);
        }

        private string Other(string id)
        {
            while (true)
            {
                var other = _ids[random.Next(_ids.Count)];
                if (other != id)
                {
                    return other;
                }
            }
        }

        /// <summary>A department that may still be named co-unit: neither the lead nor named already.</summary>
        private static string? FreeCoUnit(CaseState s) =>
            Departments.Select(d => d.Id).FirstOrDefault(d => s.Tracker != DeskRef.Department(d) && s.CoUnits.All(p => p.Department != d));

        private static DeskRef? NextUp(CaseState s) => EscalationChain.Next(s.Placement.Path, s.Tracker, s.Escalations);

        private Assignee PickAssignee(CaseState s)
        {
            var free = Workers.Where(w => !s.PassedOver.Contains(w) && w != s.Assignee?.WorkerId).ToArray();
            return free.Length == 0 || random.Next(12) == 0 ? Assignee.Unit(s.Tracker) : Assignee.Worker(free[random.Next(free.Length)]);
        }
    }
}
