using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Bench.Load;

/// <summary>One report the generator will send: where, what, who, and whether it repeats an earlier one on purpose.</summary>
public sealed record PlannedReport(
    long Sequence,
    string Category,
    string BuildingId,
    string GridId,
    string Description,
    string ReporterName,
    string ReporterPhone,
    bool Duplicate);

/// <summary>
/// The report mix of a hotline day: categories drawn by how often residents call about them,
/// buildings uniformly over the city, and a share of repeats (a second neighbour calling about the
/// same thing while it is still open), which the grid merges instead of dispatching again.
/// Deterministic for a seed; safe to call from many threads.
/// </summary>
public sealed class ReportMix
{
    /// <summary>
    /// Relative frequencies, after the shape of published 12345 statistics: everyday nuisances
    /// (sanitation, property, noise, neighbours) dominate, emergencies are rare. Categories of the
    /// catalog not named here are not generated.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> CategoryWeights = new Dictionary<string, double>
    {
        ["sanitation"] = 22,
        ["property"] = 18,
        ["noise"] = 12,
        ["neighbour-dispute"] = 9,
        ["street-occupation"] = 7,
        ["municipal-facility"] = 6,
        ["safety-hazard"] = 5,
        ["elder-care"] = 4,
        ["illegal-construction"] = 4,
        ["fire-lane"] = 3,
        ["public-security"] = 3,
        ["social-assistance"] = 2,
        ["pension-and-subsidy"] = 2,
        ["floating-population"] = 1.5,
        ["key-person-visit"] = 1,
        ["gas-leak"] = 0.3,
        ["emergency"] = 0.2,
    };

    private const int RecentKept = 2_000;

    private readonly (string BuildingId, string GridId)[] _buildings;
    private readonly (string Code, double Cumulative)[] _categories;
    private readonly double _duplicateShare;
    private readonly Random _random;
    private readonly PlannedReport?[] _recent = new PlannedReport?[RecentKept];
    private long _sequence;

    public ReportMix(IEnumerable<BuildingInfo> buildings, CategoryCatalog catalog, double duplicateShare, int seed = 20261123, bool gridOwnedOnly = false)
    {
        if (duplicateShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(duplicateShare), "The duplicate share is between 0 and 1.");
        }

        _buildings = buildings.Select(b => (b.Id, b.GridId)).ToArray();
        if (_buildings.Length == 0)
        {
            throw new ArgumentException("The city has no buildings.", nameof(buildings));
        }

        var total = 0.0;
        _categories = CategoryWeights
            .Where(w => catalog.TryGet(w.Key, out var c) && (!gridOwnedOnly || c.Owner == "grid"))
            .OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (w.Key, total += w.Value))
            .ToArray();
        if (_categories.Length == 0)
        {
            throw new ArgumentException("None of the mix's categories is in the catalog.", nameof(catalog));
        }

        _duplicateShare = duplicateShare;
        _random = new Random(seed);
    }

    public int BuildingCount => _buildings.Length;

    public PlannedReport Next()
    {
        lock (_random)
        {
            var sequence = _sequence++;
            if (sequence > 0 && _random.NextDouble() < _duplicateShare)
            {
                var earlier = _recent[_random.Next((int)Math.Min(sequence, RecentKept))];
                if (earlier is not null)
                {
                    return Remember(earlier with
                    {
                        Sequence = sequence,
                        Duplicate = true,
                        ReporterName = Name(sequence),
                        ReporterPhone = Phone(sequence),
                        Description = $"Again: {earlier.Description}",
                    });
                }
            }

            var (buildingId, gridId) = _buildings[_random.Next(_buildings.Length)];
            var pick = _random.NextDouble() * _categories[^1].Cumulative;
            var category = _categories.First(c => pick < c.Cumulative).Code;
            return Remember(new PlannedReport(sequence, category, buildingId, gridId,
                $"Bench report {sequence}: {category} at {buildingId}", Name(sequence), Phone(sequence), Duplicate: false));
        }
    }

    private PlannedReport Remember(PlannedReport report)
    {
        _recent[report.Sequence % RecentKept] = report;
        return report;
    }

    private static string Name(long sequence) => $"Resident {sequence % 100_000}";

    private static string Phone(long sequence) => $"138{sequence % 100_000_000:D8}";
}
