using Dispatch.Journal;

namespace Dispatch.Tests.Support;

/// <summary>Journal rows for store tests, each chained to the row named as its predecessor, as a writer builds them.</summary>
public static class Rows
{
    public static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static JournalEntry First(string stream, string reason = "first", string? noticeFor = null) =>
        JournalEntry.Create(stream, 1, "Note", "system:test", At, reason, noticeFor, "{}", "");

    public static JournalEntry After(JournalEntry previous, string reason = "next", string? noticeFor = null) =>
        JournalEntry.Create(previous.Stream, previous.Sequence + 1, "Note", "system:test", previous.At.AddMinutes(1), reason, noticeFor, "{}", previous.Hash);

    /// <summary><paramref name="count"/> rows of a new stream, each after the one before.</summary>
    public static List<JournalEntry> Chain(string stream, int count)
    {
        var rows = new List<JournalEntry> { First(stream) };
        while (rows.Count < count)
        {
            rows.Add(After(rows[^1], $"row {rows.Count + 1}"));
        }

        return rows;
    }

    /// <summary>Rows as appended: what a store read back, without the position it gave them.</summary>
    public static List<JournalEntry> Unpositioned(this IEnumerable<JournalEntry> rows) => rows.Select(r => r with { Position = 0 }).ToList();
}
