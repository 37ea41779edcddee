using Dispatch.Desks;
using Dispatch.Journal;
using Dispatch.Territory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dispatch.Incidents;

/// <summary>The register of a run with memory storage: the fold of every case of the in-memory journal.</summary>
public sealed class MemoryCaseRegister(MemoryJournalStore journal, ILogger? logger = null) : ICaseRegister
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    private const int Batch = 5_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CaseState> _cases = new(StringComparer.Ordinal);
    private long _position;

    public Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        List<IncidentSummary> matches;
        lock (_lock)
        {
            matches = _cases.Values.Where(s => CaseRegisterRules.MatchesState(s, query))
                .Select(CaseRegisterRules.Summary).Where(s => query.Matches(s, now)).ToList();
        }

        matches.Sort(IncidentCursor.NewestFirst);
        IReadOnlyList<IncidentSummary> page = matches.Count <= query.Limit ? matches : matches.GetRange(0, query.Limit);
        return Task.FromResult(page);
    }

    public Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_cases.Values.Where(s => CaseRegisterRules.InScope(s, desk))
                .Aggregate(CaseStatistics.Empty, (sum, s) => sum.Add(CaseRegisterRules.Figures(s, now))));
        }
    }

    public Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_cases.Values.Where(s => s.ReportedAt >= from && s.ReportedAt < to && CaseRegisterRules.InScope(s, desk))
                .Aggregate(CaseStatistics.Empty, (sum, s) => sum.Add(CaseRegisterRules.Figures(s, now))));
        }
    }

    public Task<IReadOnlyList<AssessedCase>> AssessedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<AssessedCase> lines = _cases.Values.Where(s => s.ReportedAt >= from && s.ReportedAt < to).Select(AssessedCase.Of).ToArray();
            return Task.FromResult(lines);
        }
    }

    public Task<IReadOnlyList<EscalatedCase>> EscalatedToAsync(DeskRef desk, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<EscalatedCase> listed = _cases.Values.Where(s => CaseRegisterRules.EscalatedTo(s, desk))
                .Select(s => CaseRegisterRules.Listing(s, desk))
                .OrderBy(e => e.At)
                .ThenBy(e => e.IncidentId, StringComparer.Ordinal)
                .ToArray();
            return Task.FromResult(listed);
        }
    }

    public Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        long read = 0;
        lock (_lock)
        {
            while (true)
            {
                var rows = journal.ReadAfter(_position, Batch);
                foreach (var row in rows)
                {
                    Apply(row);
                }

                read += rows.Count;
                if (rows.Count < Batch)
                {
                    return Task.FromResult(read);
                }
            }
        }
    }

    public Task ResetAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _cases.Clear();
            _position = 0;
        }

        return Task.CompletedTask;
    }

    private void Apply(JournalEntry row)
    {
        _position = row.Position;
        if (!CaseStreams.IsCase(row.Stream))
        {
            return;
        }

        var state = _cases.GetValueOrDefault(row.Stream);
        if (state is not null && row.Sequence <= state.Sequence)
        {
            return;
        }

        // The next row of a case folds onto it; a first row, or a row after one that could not be
        // read, starts from the case's whole history.
        var folded = state is not null && row.Sequence == state.Sequence + 1
            ? CaseRegisterRules.Fold(state, [row], _logger)
            : CaseRegisterRules.Fold(null, journal.ReadStream(row.Stream), _logger);
        if (folded is not null)
        {
            _cases[row.Stream] = folded;
        }
    }
}
