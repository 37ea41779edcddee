using System.Collections.Concurrent;

namespace Dispatch.Territory;

/// <summary>
/// The buildings this silo's intake located lately: a report names a building far more often than
/// the map changes, and asking the building's grain costs a call to whichever silo holds it. An
/// entry is kept for <see cref="Lifetime"/>, so a building moved by a new territory reaches every
/// intake within that time; a building not found is never remembered.
/// </summary>
public sealed class BuildingCache(IGrainFactory grains, DispatchTime time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>A bound on memory: past it the cache starts afresh.</summary>
    public const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<string, (BuildingView Building, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async Task<BuildingView?> Find(string buildingId)
    {
        var now = time.Now;
        if (_entries.TryGetValue(buildingId, out var known) && known.Until > now)
        {
            return known.Building;
        }

        var building = await grains.GetGrain<IBuildingGrain>(buildingId).Get();
        if (building is not null)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[buildingId] = (building, now + Lifetime);
        }

        return building;
    }
}
