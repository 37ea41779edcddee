using Dispatch.Catalog;
using Dispatch.Territory;
using Dispatch.Workforce;

namespace Dispatch.Bench.Scale;

/// <summary>
/// Where and what each bench case is. Consecutive cases go to consecutive grids, as reports from
/// a whole city would, rather than one grid at a time. A grid merges a report only into an open case
/// of the same building and category, so no two cases share both: each building is used once per
/// category, all buildings before the next category.
/// </summary>
public sealed class CasePlan
{
    private readonly string[] _buildings;
    private readonly int _grids;
    private readonly int _buildingsPerGrid;

    private CasePlan(string[] buildings, int grids, int buildingsPerGrid, IReadOnlyList<string> categories, int count)
    {
        _buildings = buildings;
        _grids = grids;
        _buildingsPerGrid = buildingsPerGrid;
        Categories = categories;
        Count = count;
    }

    /// <summary>Categories a grid owns and its grid worker has the skill for; emergencies are left out, as they also notify the desk above.</summary>
    public IReadOnlyList<string> Categories { get; }

    public int Count { get; }

    public int Buildings => _buildings.Length;

    public static CasePlan For(DemoCityGenerator generator, int count)
    {
        var city = generator.Options;
        var skills = generator.Workers().First(w => w.Role == WorkerRole.GridWorker).Skills;
        var categories = CategoryCatalog.Default.Categories
            .Where(c => c.OwnerLevel == OrgLevel.Grid && !c.NotifyUpward && skills.Contains(c.Skill, StringComparer.OrdinalIgnoreCase))
            .Select(c => c.Code)
            .ToArray();
        var buildings = generator.Buildings().Select(b => b.Id).ToArray();
        if (count > (long)buildings.Length * categories.Length)
        {
            throw new ArgumentException($"--cases {count:N0} is more than {buildings.Length:N0} buildings × {categories.Length} categories; raise --buildings-per-grid.");
        }

        return new CasePlan(buildings, checked((int)city.TotalGrids), city.BuildingsPerGrid, categories, count);
    }

    public (string BuildingId, string Category) this[int sequence]
    {
        get
        {
            var grid = sequence % _grids;
            var round = sequence / _grids;
            var building = (grid * _buildingsPerGrid) + (round % _buildingsPerGrid);
            return (_buildings[building], Categories[round / _buildingsPerGrid]);
        }
    }
}
