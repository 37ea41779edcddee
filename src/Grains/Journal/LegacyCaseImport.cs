using System.Data.Common;
using Dispatch.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Dispatch.Journal;

/// <summary>How a case was kept before the journal: the whole case as the incident grain's state.</summary>
[GenerateSerializer, Alias("Dispatch.IncidentState")]
public sealed class LegacyIncidentState
{
    [Id(0)] public IncidentView? Case { get; set; }
}

/// <summary>
/// Moves the cases a database kept as grain state before the journal existed (rows of grain type
/// <c>incident</c> in <c>OrleansStorage</c>) into the journal. Each becomes one <c>Import</c> event
/// carrying the case and its old timeline, so its history stays readable and later events chain to it;
/// an open case enters the open-case index (an undelivered one is re-driven). In batches, each one
/// transaction that writes the journal rows and deletes the grain-state rows it replaced, with the
/// rows of the old intake ledger (the index now says what is undelivered). Running it again finds nothing to do.
/// </summary>
public static class LegacyCaseImport
{
    private const int Batch = 500;
    private static readonly string[] ObsoleteGrainTypes = ["intake-ledger", "incident-register"];

    /// <summary>Imports every case still kept as grain state; answers how many.</summary>
    public static async Task<int> RunAsync(DbDataSource source, TimeSpan redriveAfter, CancellationToken cancellationToken = default)
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<LegacyIncidentState>>();
        var imported = 0;
        while (true)
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = new List<(string Key, byte[] Payload)>();
            await using (var read = SqlJournalStore.Command(connection, transaction,
                $"SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'incident' LIMIT {Batch}"))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetString(0), reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1)));
                }
            }

            if (rows.Count == 0)
            {
                await DeleteObsolete(connection, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return imported;
            }

            var appends = rows.Where(r => r.Payload.Length > 0)
                .Select(r => serializer.Deserialize(r.Payload)?.Case)
                .OfType<IncidentView>()
                .Select(view => Import(view, redriveAfter))
                .ToArray();
            var stored = await SqlJournalStore.WriteAsync(connection, transaction, appends, cancellationToken);
            imported += stored.Count(s => s);

            foreach (var chunk in rows.Select(r => r.Key).Chunk(100))
            {
                await using var delete = SqlJournalStore.Command(connection, transaction, "");
                delete.CommandText = $"DELETE FROM OrleansStorage WHERE GrainTypeString = 'incident' AND GrainIdExtensionString IN ({SqlJournalStore.InList(delete, "k", chunk)})";
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The journal's first row of an old case, and its place in the open-case index.</summary>
    public static JournalAppend Import(IncidentView view, TimeSpan redriveAfter)
    {
        var at = view.Timeline.Count == 0 ? view.ReportedAt : view.Timeline[^1].At;
        var (entry, e) = CaseEventCodec.Encode(view.Id, 0, "",
            new CaseChange(IncidentAction.Import, ActorRef.System("import"), "recorded before the case journal; imported with its timeline", new ImportData(view)),
            at);
        var state = CaseFold.Apply(null, e);
        return new JournalAppend([entry], state.IsOpen ? OpenCaseChange.Open(state.Tracker.Key, state.Delivered, at + redriveAfter) : null);
    }

    private static async Task DeleteObsolete(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var delete = SqlJournalStore.Command(connection, transaction, "");
        delete.CommandText = $"DELETE FROM OrleansStorage WHERE GrainTypeString IN ({SqlJournalStore.InList(delete, "t", ObsoleteGrainTypes)})";
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
