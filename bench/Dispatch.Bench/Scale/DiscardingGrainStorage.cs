using Orleans.Storage;

namespace Dispatch.Bench.Scale;

/// <summary>
/// Grain storage that accepts every write and keeps nothing; reads find no state. Only for a run in
/// which nothing deactivates and comes back (the bench raises the collection age): then no grain
/// ever reads what it wrote, and the heap shows the grains' own memory without the serialized copy
/// that memory storage would add.
/// </summary>
public sealed class DiscardingGrainStorage : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // A constant ETag: there is no stored row whose version a later write could conflict with.
        grainState.ETag = "discarded";
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
