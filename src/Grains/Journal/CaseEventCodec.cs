using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Incidents;
using Dispatch.Territory;

namespace Dispatch.Journal;

/// <summary>
/// Turns case events into journal rows and back. The payload is JSON (readable with SQL, enum
/// names rather than numbers), written once: the row's hash covers that exact text, so reading
/// never re-serializes what was hashed.
/// </summary>
public static class CaseEventCodec
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string NoPayload = "{}";

    /// <summary>A row and the event it stands for, chained after the row whose sequence and hash are given (0 and "" for a case's first).</summary>
    public static (JournalEntry Entry, CaseEvent Event) Encode(string caseId, int previousSequence, string previousHash, CaseChange change, DateTimeOffset at)
    {
        var sequence = previousSequence + 1;
        var payload = change.Data is null ? NoPayload : JsonSerializer.Serialize(change.Data, change.Data.GetType(), Json);
        var actor = change.Actor.ToString();
        var entry = JournalEntry.Create(caseId, sequence, change.Type.ToString(), actor, at, change.Reason, change.NoticeFor?.Key, payload, previousHash);
        var e = new CaseEvent
        {
            CaseId = caseId,
            Sequence = sequence,
            Type = change.Type,
            Actor = actor,
            At = at,
            Reason = change.Reason,
            Data = change.Data,
            NoticeFor = change.NoticeFor,
            Hash = entry.Hash,
        };
        return (entry, e);
    }

    public static CaseEvent Decode(JournalEntry entry)
    {
        if (!Enum.TryParse<IncidentAction>(entry.Type, out var type))
        {
            throw new InvalidDataException($"Journal row {entry.Stream}/{entry.Sequence} has the unknown event type '{entry.Type}'.");
        }

        return new CaseEvent
        {
            CaseId = entry.Stream,
            Sequence = entry.Sequence,
            Type = type,
            Actor = entry.Actor,
            At = entry.At,
            Reason = entry.Reason,
            Data = DataOf(type, entry.Payload),
            NoticeFor = entry.NoticeFor is null ? null : DeskRef.Parse(entry.NoticeFor),
            Hash = entry.Hash,
        };
    }

    public static List<CaseEvent> Decode(IEnumerable<JournalEntry> entries) => entries.Select(Decode).ToList();

    private static CaseEventData? DataOf(IncidentAction type, string payload)
    {
        if (payload == NoPayload || DataTypeOf(type) is not { } dataType)
        {
            return null;
        }

        return (CaseEventData?)JsonSerializer.Deserialize(payload, dataType, Json);
    }

    /// <summary>The payload type an event type carries; null for types that carry nothing.</summary>
    public static Type? DataTypeOf(IncidentAction type) => type switch
    {
        IncidentAction.Report => typeof(ReportData),
        IncidentAction.Register => typeof(RegisterData),
        IncidentAction.Dispatch or IncidentAction.Reassign => typeof(AssignData),
        IncidentAction.Recall => typeof(RecallData),
        IncidentAction.Escalate => typeof(EscalateData),
        IncidentAction.FailVerification or IncidentAction.Appeal => typeof(ReworkData),
        IncidentAction.Rate => typeof(RateData),
        IncidentAction.Merge => typeof(MergeData),
        IncidentAction.AddReporter => typeof(ReporterData),
        IncidentAction.Notify => typeof(NotifyData),
        IncidentAction.Notice => typeof(TopReachedData),
        IncidentAction.Import => typeof(ImportData),
        IncidentAction.Move => typeof(MoveData),
        IncidentAction.Return => typeof(ReturnData),
        IncidentAction.Route => typeof(RouteData),
        IncidentAction.RequestExtension => typeof(ExtensionData),
        IncidentAction.Park => typeof(ParkData),
        IncidentAction.Unpark => typeof(UnparkData),
        IncidentAction.Unmerge => typeof(UnmergeData),
        IncidentAction.SeparateDuplicate => typeof(DuplicateSeparatedData),
        IncidentAction.ReviewDue => typeof(ReviewData),
        IncidentAction.AddCoUnit => typeof(CoUnitData),
        IncidentAction.ReportPart or IncidentAction.HandBackPart or IncidentAction.PartOverdue => typeof(PartData),
        IncidentAction.HoldForConfirmation => typeof(ConfirmationData),
        _ => null,
    };
}

/// <summary>What a writer asks to record on a case; the journal numbers, times and hashes it.</summary>
/// <param name="NoticeFor">The desk that should see it among its notices.</param>
public sealed record CaseChange(
    IncidentAction Type,
    ActorRef Actor,
    string? Reason = null,
    CaseEventData? Data = null,
    DeskRef? NoticeFor = null);
