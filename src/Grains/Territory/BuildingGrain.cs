namespace Dispatch.Territory;

[GenerateSerializer, Alias("Dispatch.BuildingState")]
public sealed class BuildingState
{
    [Id(0)] public BuildingView? Building { get; set; }
}

/// <summary>One building: its address, point, households and the grid it belongs to.</summary>
[GrainType("building")]
public sealed class BuildingGrain(
    [PersistentState("building")] IPersistentState<BuildingState> state) : Grain, IBuildingGrain
{
    public async Task Configure(BuildingInfo building, TerritoryPath path)
    {
        state.State.Building = new BuildingView(building, path);
        await state.WriteStateAsync();
    }

    public Task<BuildingView?> Get() => Task.FromResult(state.State.Building);
}
