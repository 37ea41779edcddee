using System.Text;
using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Tests.Rules;

public sealed class CatalogTests
{
    [Fact]
    public void The_shipped_catalog_has_at_least_fifteen_complete_categories()
    {
        var catalog = CategoryCatalog.Default;
        Assert.True(catalog.Categories.Count >= 15);
        Assert.All(catalog.Categories, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.NameEn));
            Assert.False(string.IsNullOrWhiteSpace(c.NameZh));
            Assert.False(string.IsNullOrWhiteSpace(c.Skill));
            Assert.True(c.AcceptWithin > TimeSpan.Zero && c.ResolveWithin > TimeSpan.Zero);
        });
    }

    [Fact]
    public void The_shipped_catalog_covers_the_domain_categories_and_every_kind_of_owner()
    {
        var catalog = CategoryCatalog.Default;
        foreach (var code in new[] { "sanitation", "property", "neighbour-dispute", "public-security", "safety-hazard", "gas-leak",
                     "illegal-construction", "social-assistance", "elder-care", "key-person-visit", "municipal-facility", "noise", "fire-lane", "emergency" })
        {
            Assert.True(catalog.TryGet(code, out _), code);
        }

        var owners = catalog.Categories.Select(c => c.OwnerLevel).ToHashSet();
        Assert.Superset(new HashSet<OrgLevel> { OrgLevel.Grid, OrgLevel.Community, OrgLevel.Department }, owners);
        Assert.All(catalog.Categories.Where(c => c.OwnerLevel == OrgLevel.Department),
            c => Assert.True(catalog.TryGetDepartment(c.OwnerDepartment!, out _)));
    }

    [Fact]
    public void Lookups_ignore_case_and_unknown_codes_are_not_found()
    {
        Assert.True(CategoryCatalog.Default.TryGet("Gas-Leak", out var gas));
        Assert.Equal(TimeSpan.FromMinutes(5), gas.AcceptWithin);
        Assert.False(CategoryCatalog.Default.TryGet("unicorns", out _));
        Assert.False(CategoryCatalog.Default.TryGet(null, out _));
    }

    [Fact]
    public void A_catalog_file_with_mistakes_is_refused_naming_each_mistake()
    {
        const string json = """
            {
              "departments": [ { "code": "gas", "nameEn": "Gas", "nameZh": "燃气" } ],
              "escalation": { "Emergency": { "community": "00:10:00", "street": "00:10:00", "district": "00:10:00", "city": "00:10:00" } },
              "categories": [
                { "code": "a", "classCode": "1", "nameEn": "A", "nameZh": "甲", "urgency": "Normal", "acceptWithin": "01:00:00", "resolveWithin": "00:00:00", "skill": "x", "owner": "grid" },
                { "code": "a", "classCode": "2", "nameEn": "B", "nameZh": "", "urgency": "Normal", "acceptWithin": "01:00:00", "resolveWithin": "01:00:00", "skill": "x", "owner": "department:water" }
              ]
            }
            """;
        var error = Assert.Throws<InvalidDataException>(() => CategoryCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains("escalation windows for urgency 'Normal' are missing", error.Message);
        Assert.Contains("category 'a' needs positive acceptWithin and resolveWithin", error.Message);
        Assert.Contains("empty or repeated code", error.Message);
        Assert.Contains("English and a Chinese name", error.Message);
        Assert.Contains("owner 'department:water'", error.Message);
    }

    [Fact]
    public void A_catalog_file_that_is_not_json_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => CategoryCatalog.Load(new MemoryStream("{ not json"u8.ToArray())));
    }
}

/// <summary>Replacing the process's catalog whole, and what a new catalog must keep.</summary>
public sealed class CatalogReplacementTests
{
    [Fact]
    public void Replace_swaps_every_lookup_at_once_and_never_goes_back_to_an_older_version()
    {
        var catalog = CategoryCatalog.Default.Copy();
        var extended = CategoryCatalog.Load(Support.CatalogFiles.Bytes(Support.CatalogFiles.Extended()));

        Assert.True(catalog.Replace(extended, 2));

        Assert.Equal(2, catalog.Version);
        Assert.Equal(TimeSpan.FromMinutes(20), catalog.Get("sanitation").AcceptWithin);
        Assert.True(catalog.TryGet("graffiti", out _));
        Assert.True(catalog.TryGetDepartment("parks", out _));
        Assert.False(catalog.Replace(CategoryCatalog.Default, 1));
        Assert.True(catalog.TryGet("graffiti", out _));
        // Neither the shipped catalog nor an earlier copy saw the change.
        Assert.False(CategoryCatalog.Default.TryGet("graffiti", out _));
        Assert.Equal(0, CategoryCatalog.Default.Version);
    }

    [Fact]
    public void The_shipped_catalog_is_shared_and_cannot_be_replaced()
    {
        Assert.Throws<InvalidOperationException>(() => CategoryCatalog.Default.Replace(CategoryCatalog.Default.Copy(), 1));
    }

    [Fact]
    public void A_new_catalog_may_change_limits_and_add_but_not_drop_codes()
    {
        var extended = CategoryCatalog.Load(Support.CatalogFiles.Bytes(Support.CatalogFiles.Extended()));
        Assert.Empty(CatalogSuccession.Problems(CategoryCatalog.Default, extended));

        var noNoise = CategoryCatalog.Load(Support.CatalogFiles.Bytes(Support.CatalogFiles.Without(Support.CatalogFiles.Shipped(), "noise")));
        var problem = Assert.Single(CatalogSuccession.Problems(CategoryCatalog.Default, noNoise));
        Assert.Contains("drops category noise", problem);
        var back = CatalogSuccession.Problems(extended, CategoryCatalog.Default);
        Assert.Equal(2, back.Count);
        Assert.Contains("drops category graffiti", back[0]);
        Assert.Contains("drops department parks", back[1]);
    }
}
