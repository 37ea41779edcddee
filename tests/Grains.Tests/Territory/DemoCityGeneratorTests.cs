using Dispatch.Territory;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Dispatch.Tests.Territory;

public sealed class DemoCityGeneratorTests
{
    private static DemoCityOptions Small(int seed = 7) => new()
    {
        Seed = seed, CityId = "demo", Districts = 2, StreetsPerDistrict = 3, CommunitiesPerStreet = 5, GridsPerCommunity = 7,
        BuildingsPerGrid = 6, WorkersPerGrid = 4,
    };

    [Fact]
    public void The_default_city_has_the_documented_size()
    {
        var options = new DemoCityOptions();
        Assert.Equal(500, options.TotalGrids);
        Assert.Equal(10_000, options.TotalBuildings);
        Assert.Equal(1_500, options.TotalWorkers);
        var city = new DemoCityGenerator(options);
        Assert.Equal(50, city.Areas().Count(a => a.Level == OrgLevel.Community));
        Assert.Equal(500, city.Grids().Count());
    }

    [Fact]
    public void The_same_seed_makes_the_same_city_and_another_seed_another()
    {
        var a = new DemoCityGenerator(Small(7));
        var b = new DemoCityGenerator(Small(7));
        var c = new DemoCityGenerator(Small(8));

        Assert.Equal(a.Buildings(), b.Buildings());
        Assert.Equal(a.Workers().Select(w => (w.Id, w.Name, w.OnDuty, string.Join(',', w.Skills))),
            b.Workers().Select(w => (w.Id, w.Name, w.OnDuty, string.Join(',', w.Skills))));
        Assert.Equal(a.Grids(), a.Grids());
        Assert.NotEqual(a.Buildings().Select(x => x.Longitude), c.Buildings().Select(x => x.Longitude));
    }

    [Fact]
    public void Counts_match_the_options_and_ids_are_unique()
    {
        var options = Small();
        var city = new DemoCityGenerator(options);
        var buildings = city.Buildings().ToArray();
        var workers = city.Workers().ToArray();

        Assert.Equal(options.TotalGrids, city.Grids().Count());
        Assert.Equal(options.TotalBuildings, buildings.Length);
        Assert.Equal(options.TotalWorkers, workers.Length);
        Assert.Equal(buildings.Length, buildings.Select(b => b.Id).Distinct().Count());
        Assert.Equal(buildings.Length, buildings.Select(b => b.Address).Distinct().Count());
        Assert.Equal(workers.Length, workers.Select(w => w.Id).Distinct().Count());
        Assert.Equal(city.Areas().Count(), city.Areas().Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public void Every_building_lies_in_its_own_grid()
    {
        var city = new DemoCityGenerator(Small());
        var map = TerritoryMap.Build(city.Areas(), city.Grids());

        Assert.All(city.Buildings(), b => Assert.Equal(b.GridId, map.Locate(b.Longitude, b.Latitude).GridId));
    }

    [Fact]
    public void Grids_cover_each_community_without_gaps_or_overlaps()
    {
        var city = new DemoCityGenerator(Small());
        var reader = new WKTReader();
        var communities = city.Areas().Where(a => a.Level == OrgLevel.Community).ToDictionary(a => a.Id, a => reader.Read(a.BoundaryWkt));
        foreach (var group in city.Grids().GroupBy(g => g.CommunityId))
        {
            var shapes = group.Select(g => reader.Read(g.BoundaryWkt)).ToArray();
            Assert.Equal(communities[group.Key].Area, shapes.Sum(s => s.Area), 12);
            for (var i = 0; i < shapes.Length; i++)
            {
                for (var j = i + 1; j < shapes.Length; j++)
                {
                    Assert.True(shapes[i].Intersection(shapes[j]).Area < 1e-15, $"{group.Key}: grids {i} and {j} overlap");
                }
            }

            Assert.True(communities[group.Key].Difference(new GeometryFactory().BuildGeometry(shapes).Union()).Area < 1e-12);
        }
    }

    [Fact]
    public void Every_grid_has_a_full_time_worker_and_every_community_security_and_emergency_skills()
    {
        var city = new DemoCityGenerator(Small());
        var workers = city.Workers().ToArray();
        Assert.All(workers.GroupBy(w => w.GridId), g => Assert.Contains(g, w => w.Role == Workforce.WorkerRole.GridWorker));
        var byCommunity = workers.GroupBy(w => w.GridId[..w.GridId.LastIndexOf("-G", StringComparison.Ordinal)]);
        Assert.All(byCommunity, g =>
        {
            Assert.Contains(g, w => w.HasSkill("security"));
            Assert.Contains(g, w => w.HasSkill("emergency"));
        });
        var onDuty = workers.Count(w => w.OnDuty) / (double)workers.Length;
        Assert.InRange(onDuty, 0.6, 0.95);
    }

    [Fact]
    public void A_province_sized_city_streams_without_building_it_first()
    {
        var huge = new DemoCityGenerator(new DemoCityOptions
        {
            Districts = 20, StreetsPerDistrict = 10, CommunitiesPerStreet = 25, GridsPerCommunity = 20, BuildingsPerGrid = 10, WorkersPerGrid = 3,
        });
        Assert.Equal(100_000, huge.Options.TotalGrids);

        // Producing the first items of a 1,000,000-building city must not build the city first.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var first = huge.Buildings().Take(10).ToArray();
        var workers = huge.Workers().Take(10).ToArray();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10, first.Length);
        Assert.Equal(10, workers.Length);
        Assert.True(allocated < 1_000_000, $"the first items allocated {allocated:N0} bytes");
    }
}
