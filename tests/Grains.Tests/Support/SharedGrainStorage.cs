using System.Collections.Concurrent;
using Orleans.Storage;

namespace Dispatch.Tests.Support;

/// <summary>
/// Grain storage that outlives any one silo of an in-process cluster, standing in for a database:
/// Orleans' memory storage keeps state in grains, which die with their silo. The grains in
/// <paramref name="unreachable"/> find the database down, as Npgsql reports it.
/// </summary>
public sealed class SharedGrainStorage(
    IGrainStorageSerializer serializer,
    ConcurrentDictionary<string, (BinaryData Data, string ETag)> rows,
    ConcurrentDictionary<GrainId, bool>? unreachable = null) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        FailIfUnreachable(grainId);
        if (rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        FailIfUnreachable(grainId);
        var key = Key(stateName, grainId);
        var data = serializer.Serialize(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        lock (rows)
        {
            var current = rows.TryGetValue(key, out var row) ? row.ETag : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {key}", current, grainState.ETag);
            }

            rows[key] = (data, etag);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private void FailIfUnreachable(GrainId grainId)
    {
        if (unreachable?.ContainsKey(grainId) == true)
        {
            throw new SimulatedDbException();
        }
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
