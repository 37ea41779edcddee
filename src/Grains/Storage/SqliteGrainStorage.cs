using System.Data;
using System.Data.Common;
using System.Globalization;
using Dispatch.Journal;
using Orleans.Configuration;
using Orleans.Storage;

namespace Dispatch.Storage;

/// <summary>
/// Grain state in the embedded SQLite file's <c>OrleansStorage</c> table, written through the file's
/// one <see cref="SqliteWriter"/>: writes of many grains share a transaction, which is what makes
/// loading a city into an empty file take seconds rather than a commit per building. Rows are keyed
/// as Orleans' ADO.NET provider keyed them (state name; long, Guid or string key; key extension),
/// so a data folder it wrote reads the same; a write succeeds only over the version it read.
/// </summary>
public sealed class SqliteGrainStorage(DbDataSource reads, SqliteWriter writer, IGrainStorageSerializer serializer, ClusterOptions cluster) : IGrainStorage
{
    private const string Key =
        "ServiceId = @service AND GrainTypeString = @type AND GrainIdN0 = @n0 AND GrainIdN1 = @n1 AND GrainIdExtensionString = @ext";

    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    private const string InsertSql =
        "INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, GrainIdHash, GrainTypeHash, PayloadBinary, ModifiedOn, Version) "
        + $"VALUES (@service, @type, @n0, @n1, @ext, @id_hash, @type_hash, @payload, {Now}, 1) ON CONFLICT DO NOTHING";

    private const string UpdateSql =
        $"UPDATE OrleansStorage SET PayloadBinary = @payload, ModifiedOn = {Now}, Version = Version + 1 WHERE {Key} AND Version = @version";

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await reads.OpenConnectionAsync();
        await using var command = SqlJournalStore.Command(connection, null, $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {Key}");
        BindKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync() && !reader.IsDBNull(0))
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(reader.GetFieldValue<byte[]>(0)));
            grainState.ETag = reader.GetInt32(1).ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return;
        }

        // No row, or a cleared one (no payload, but a version the next write must name).
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = reader.HasRows ? reader.GetInt32(1).ToString(CultureInfo.InvariantCulture) : null;
        grainState.RecordExists = false;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        grainState.ETag = await Write(stateName, grainId, grainState.ETag, payload);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            grainState.ETag = await Write(stateName, grainId, grainState.ETag, null);
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    /// <summary>Writes the payload over the version read (none: only if there is no row); answers the new version.</summary>
    private async Task<string> Write(string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        int? expected = etag is null ? null : int.Parse(etag, CultureInfo.InvariantCulture);
        var written = await writer.WriteAsync(w =>
        {
            var command = w.Command(expected is null ? InsertSql : UpdateSql);
            BindKey(command, stateName, grainId);
            SqlJournalStore.Add(command, "payload", DbType.Binary, payload);
            if (expected is { } version)
            {
                SqlJournalStore.Add(command, "version", DbType.Int32, version);
            }
            else
            {
                SqlJournalStore.Add(command, "id_hash", DbType.Int32, (int)StableHash.Of(grainId.ToString()));
                SqlJournalStore.Add(command, "type_hash", DbType.Int32, (int)StableHash.Of(stateName));
            }

            return command.ExecuteNonQuery() == 1;
        });

        return written
            ? ((expected ?? 0) + 1).ToString(CultureInfo.InvariantCulture)
            : throw new InconsistentStateException($"The state '{stateName}' of {grainId} was written by someone else since it was read (version {etag ?? "none"}).", "unknown", etag ?? "none");
    }

    private void BindKey(DbCommand command, string stateName, GrainId grainId)
    {
        var (n0, n1, extension) = KeyOf(grainId);
        SqlJournalStore.Add(command, "service", DbType.String, cluster.ServiceId);
        SqlJournalStore.Add(command, "type", DbType.String, stateName);
        SqlJournalStore.Add(command, "n0", DbType.Int64, n0);
        SqlJournalStore.Add(command, "n1", DbType.Int64, n1);
        SqlJournalStore.Add(command, "ext", DbType.String, extension);
    }

    /// <summary>The row key the ADO.NET provider derives: a Guid key in two halves, a long key in N1, otherwise the string key.</summary>
    private static (long N0, long N1, string Extension) KeyOf(GrainId grainId)
    {
        if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
        {
            var bytes = guid.ToByteArray();
            return (BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), guidExtension ?? "");
        }

        if (grainId.TryGetIntegerKey(out var integer, out var integerExtension))
        {
            return (0, integer, integerExtension ?? "");
        }

        return (0, 0, grainId.Key.ToString()!);
    }
}
