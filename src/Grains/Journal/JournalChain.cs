namespace Dispatch.Journal;

/// <summary>
/// Checks the hash chain of a stream: rows numbered one after another, each naming the hash of the
/// row before it, each hash what its fields hash to. An edited row fails its own hash; a removed
/// or inserted row breaks the numbering or the chain at the row after it.
/// </summary>
public static class JournalChain
{
    /// <summary>
    /// Checks <paramref name="rows"/> of one stream, which follow the row numbered
    /// <paramref name="afterSequence"/> with hash <paramref name="afterHash"/> (0 and "" for the start).
    /// Answers null when they check out, otherwise what is wrong with the first row that does not.
    /// </summary>
    public static string? Check(IReadOnlyList<JournalEntry> rows, int afterSequence = 0, string afterHash = "")
    {
        var (sequence, hash) = (afterSequence, afterHash);
        foreach (var row in rows)
        {
            if (row.Sequence != sequence + 1)
            {
                return $"row {sequence + 1} is missing (the next row is {row.Sequence})";
            }

            if (!string.Equals(row.PreviousHash, hash, StringComparison.Ordinal))
            {
                return $"row {row.Sequence} does not follow row {sequence} (its previous hash differs): a row was removed, replaced or inserted";
            }

            if (!row.HashMatches)
            {
                return $"row {row.Sequence} was changed after it was written (its hash does not match its fields)";
            }

            (sequence, hash) = (row.Sequence, row.Hash);
        }

        return null;
    }
}
