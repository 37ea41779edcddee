using System.Text.Json;

namespace Dispatch.Journal;

/// <summary>A worker going on or off duty: a row of the worker's own stream in the journal (<c>worker:ID</c>).</summary>
public sealed record DutyChange(string WorkerId, string GridId, bool OnDuty)
{
    public const string Type = "Duty";

    /// <summary>The row that records this change after <paramref name="last"/>, the stream's last row (null when it has none).</summary>
    public JournalEntry Encode(JournalEntry? last, string actor, DateTimeOffset at) => JournalEntry.Create(
        CaseStreams.OfWorker(WorkerId),
        (last?.Sequence ?? 0) + 1,
        Type,
        actor,
        at,
        OnDuty ? "on duty" : "off duty",
        null,
        JsonSerializer.Serialize(this, CaseEventCodec.Json),
        last?.Hash ?? "");

    public static DutyChange? Decode(JournalEntry entry) =>
        entry.Type == Type ? JsonSerializer.Deserialize<DutyChange>(entry.Payload, CaseEventCodec.Json) : null;
}
