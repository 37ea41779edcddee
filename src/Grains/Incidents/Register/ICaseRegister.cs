using Dispatch.Desks;
using Microsoft.Extensions.Logging;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// The register (台账): a projection of the journal with a line per case, kept current in batches
/// (<see cref="CatchUpAsync"/>) and rebuildable from nothing (<see cref="ResetAsync"/>, then catch
/// up). Lists, statistics and the escalated lists of area desks read it; none of them is stored
/// anywhere else, so a rule change applied by a rebuild changes every figure at once.
/// </summary>
public interface ICaseRegister
{
    /// <summary>The matches of <paramref name="query"/>, newest first, at most <see cref="IncidentQuery.Limit"/>.</summary>
    Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// The figures of a desk and everything below it: for an area, every case located in it; for a
    /// department, every case it owns; for the city, every case.
    /// </summary>
    Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The figures of a desk (as above) for the cases reported from <paramref name="from"/> until before <paramref name="to"/>.</summary>
    Task<CaseStatistics> StatisticsAsync(DeskRef desk, DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>What the assessment reads of every case reported from <paramref name="from"/> until before <paramref name="to"/>.</summary>
    Task<IReadOnlyList<AssessedCase>> AssessedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Cases the clock escalated to this area desk that still wait for a result, oldest escalation first.</summary>
    Task<IReadOnlyList<EscalatedCase>> EscalatedToAsync(DeskRef desk, CancellationToken cancellationToken = default);

    /// <summary>Applies the journal rows not applied yet, in batches; answers how many rows it read.</summary>
    Task<long> CatchUpAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets every line, so that the next catch-up applies the whole journal again under today's rules.</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);
}

/// <summary>The rules the register applies to one case, shared by every way of keeping it.</summary>
public static partial class CaseRegisterRules
{
    /// <summary>
    /// The fold of a case's rows, or null when they cannot be folded (a first row removed, an event
    /// type this version does not know): that case is left out and reported, and the rest of the
    /// register carries on rather than stop for one broken history.
    /// </summary>
    public static CaseState? Fold(CaseState? state, IEnumerable<Journal.JournalEntry> rows, ILogger logger)
    {
        var list = rows as IReadOnlyList<Journal.JournalEntry> ?? rows.ToList();
        try
        {
            foreach (var row in list)
            {
                state = CaseFold.Apply(state, Journal.CaseEventCodec.Decode(row));
            }

            return state;
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException)
        {
            LogUnfoldable(logger, ex, list.Count == 0 ? "?" : list[0].Stream);
            return null;
        }
    }

    [LoggerMessage(4301, LogLevel.Error, "Case {IncidentId} cannot be read from the journal and is left out of the register (Dispatch.Silo journal verify says why)")]
    private static partial void LogUnfoldable(ILogger logger, Exception exception, string incidentId);

    /// <summary>The first reporter's phone as the register searches it, or null when they gave none.</summary>
    public static string? ReporterPhone(CaseState s) =>
        s.Reporters.Count > 0 && s.Reporters[0].Phone is { } phone && IncidentRegister.PhoneKey(phone) is { Length: > 0 } key ? key : null;

    /// <summary>The co-units a register line keeps for the department filter, as <c>|code|code|</c>; null for none.</summary>
    public static string? CoUnits(CaseState s) =>
        s.CoUnits.Count == 0 ? null : "|" + string.Join("|", s.CoUnits.Select(p => p.Department)) + "|";

    /// <summary>Whether the case passes the criteria the register applies to the whole state (a line's summary lacks them).</summary>
    public static bool MatchesState(CaseState s, IncidentQuery query) =>
        (query.ReporterPhone is null || ReporterPhone(s) == query.ReporterPhone)
        && (query.Department is not { } department || s.Tracker == DeskRef.Department(department) || s.CoUnits.Any(p => p.Department == department));

    /// <summary>Bit <c>1 &lt;&lt; level</c> for every level the case was escalated to.</summary>
    public static int EscalatedLevels(CaseState s)
    {
        var bits = 0;
        foreach (var step in s.Escalations)
        {
            bits |= 1 << (int)step.Desk.Level;
        }

        return bits;
    }

    /// <summary>Whether a case counts in the figures of <paramref name="desk"/>.</summary>
    public static bool InScope(CaseState s, DeskRef desk) => desk.Level switch
    {
        OrgLevel.Department => s.Tracker == desk,
        OrgLevel.City => true,
        _ => s.Placement.Path.IdAt(desk.Level) == desk.Id,
    };

    /// <summary>Whether the case is on the escalated list of <paramref name="desk"/>.</summary>
    public static bool EscalatedTo(CaseState s, DeskRef desk) =>
        s.Status.IsAwaitingResult() && s.Escalations.Any(e => e.Desk == desk);

    public static EscalatedCase Listing(CaseState s, DeskRef desk)
    {
        var step = s.Escalations.First(e => e.Desk == desk);
        return new EscalatedCase(s.Id, s.Category, s.Tracker, s.Placement.Path, step.At, step.Reason);
    }

    /// <summary>What one case adds to the figures of any desk it counts in.</summary>
    public static CaseStatistics Figures(CaseState s, DateTimeOffset now)
    {
        var closed = s.Status is IncidentStatus.Closed or IncidentStatus.Rated;
        return new CaseStatistics
        {
            Open = s.IsOpen ? 1 : 0,
            Overdue = s.IsOverdue(now) ? 1 : 0,
            Escalated = s.IsOpen && s.Escalations.Count > 0 ? 1 : 0,
            Closed = closed ? 1 : 0,
            ClosedOnTime = closed && s.ResolvedOnTime == true ? 1 : 0,
            Accepted = closed && s.AcceptedAt is not null ? 1 : 0,
            AcceptTicks = closed && s.AcceptedAt is { } accepted ? (accepted - s.ReportedAt).Ticks : 0,
            Resolved = closed && s.ResolvedAt is not null ? 1 : 0,
            ResolveTicks = closed && s.ResolvedAt is { } resolved ? (resolved - s.ReportedAt).Ticks : 0,
            Rated = s.Rating is null ? 0 : 1,
            RatingTotal = s.Rating ?? 0,
            Reworked = closed ? s.ReworkCount : 0,
            Escalations = s.IsOpen ? 0 : s.Escalations.Count,
            Cancelled = s.Status == IncidentStatus.Cancelled ? 1 : 0,
            Merged = s.Status == IncidentStatus.Merged ? 1 : 0,
            Parked = s.Status == IncidentStatus.Parked ? 1 : 0,
            AwaitingConfirmation = s.Status == IncidentStatus.AwaitingConfirmation ? 1 : 0,
            Unconfirmed = s.Status == IncidentStatus.Unconfirmed ? 1 : 0,
        };
    }

    /// <summary>A line of the register as lists show it.</summary>
    public static IncidentSummary Summary(CaseState s) => new()
    {
        Id = s.Id,
        Status = s.Status,
        Category = s.Category,
        Channel = s.Channel,
        Path = s.Placement.Path,
        BuildingId = s.Placement.BuildingId,
        Tracker = s.Tracker,
        Assignee = s.Assignee,
        ReportedAt = s.ReportedAt,
        AcceptDue = s.AcceptDue,
        ResolveDue = s.ResolveDue,
        EscalatedTo = s.Escalations.Count == 0 ? null : s.Escalations[^1].Desk,
        ClosedAt = s.ClosedAt,
        Rating = s.Rating,
        ReworkCount = s.ReworkCount,
        Version = s.Sequence,
        UpdatedAt = s.UpdatedAt,
        Description = s.Description.Length <= IncidentSummary.DescriptionShown ? s.Description : s.Description[..IncidentSummary.DescriptionShown] + "…",
    };
}
