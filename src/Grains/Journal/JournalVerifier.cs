using System.Data.Common;

namespace Dispatch.Journal;

/// <summary>One thing wrong with the journal: which stream, and what.</summary>
public sealed record JournalProblem(string Stream, string Problem);

/// <summary>
/// Reads the whole journal and checks every stream's hash chain (<see cref="JournalChain"/>): an
/// edited, removed or inserted row is reported with its stream and row number. A stream cut short
/// at its end leaves no gap to see, so the register, which has seen every row, is compared too: a
/// case the register knows at a later version than the journal holds lost its last rows.
/// </summary>
public static class JournalVerifier
{
    public static async Task<(long Rows, List<JournalProblem> Problems)> VerifyAsync(DbDataSource source, CancellationToken cancellationToken = default)
    {
        var problems = new List<JournalProblem>();
        long rows = 0;
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using (var scan = SqlJournalStore.Command(connection, null,
            $"SELECT {SqlJournalStore.Columns} FROM {SqlJournalStore.Table} ORDER BY stream, seq"))
        {
            var stream = new List<JournalEntry>();
            await foreach (var row in SqlJournalStore.StreamEntries(scan, cancellationToken))
            {
                rows++;
                if (stream.Count > 0 && stream[0].Stream != row.Stream)
                {
                    Check(stream, problems);
                    stream.Clear();
                }

                stream.Add(row);
            }

            Check(stream, problems);
        }

        await using (var tails = SqlJournalStore.Command(connection, null,
            $"SELECT r.id, r.version, COALESCE((SELECT MAX(j.seq) FROM {SqlJournalStore.Table} j WHERE j.stream = r.id), 0) AS kept "
            + "FROM dispatch_case_register r "
            + $"WHERE r.version > COALESCE((SELECT MAX(j.seq) FROM {SqlJournalStore.Table} j WHERE j.stream = r.id), 0)"))
        await using (var reader = await tails.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(new JournalProblem(reader.GetString(0),
                    $"the register has seen row {reader.GetInt32(1)}, but the journal ends at row {reader.GetInt64(2)}: its last rows were removed"));
            }
        }

        return (rows, problems);
    }

    private static void Check(List<JournalEntry> stream, List<JournalProblem> problems)
    {
        if (stream.Count > 0 && JournalChain.Check(stream) is { } problem)
        {
            problems.Add(new JournalProblem(stream[0].Stream, problem));
        }
    }
}
