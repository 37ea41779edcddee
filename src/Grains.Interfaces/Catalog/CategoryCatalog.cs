using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Territory;

namespace Dispatch.Catalog;

/// <summary>
/// The category catalog (access list), read from a JSON data file. Every rule about a category —
/// its owner, skill, urgency and time limits — comes from here; nothing is hard-coded elsewhere.
/// </summary>
public sealed class CategoryCatalog
{
    public const string DepartmentPrefix = "department:";
    private const string EmbeddedResourceName = "Dispatch.Catalog.catalog.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly FrozenDictionary<string, CategoryDefinition> _categories;
    private readonly FrozenDictionary<string, DepartmentDefinition> _departments;
    private readonly FrozenDictionary<Urgency, EscalationWindows> _windows;
    private readonly FrozenDictionary<string, CategoryGroup> _groups;

    private CategoryCatalog(
        IReadOnlyList<CategoryDefinition> categories,
        IReadOnlyList<DepartmentDefinition> departments,
        IReadOnlyDictionary<Urgency, EscalationWindows> windows,
        IReadOnlyList<CategoryGroup> groups)
    {
        Categories = categories;
        Departments = departments;
        Groups = groups;
        _groups = groups.ToFrozenDictionary(g => g.Code, StringComparer.OrdinalIgnoreCase);
        _categories = categories.ToFrozenDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);
        _departments = departments.ToFrozenDictionary(d => d.Code, StringComparer.OrdinalIgnoreCase);
        _windows = windows.ToFrozenDictionary();
    }

    public IReadOnlyList<CategoryDefinition> Categories { get; }

    public IReadOnlyList<DepartmentDefinition> Departments { get; }

    /// <summary>The major classes that group categories; a catalog may leave them out.</summary>
    public IReadOnlyList<CategoryGroup> Groups { get; }

    /// <summary>The catalog shipped with Dispatch.</summary>
    public static CategoryCatalog Default { get; } = LoadEmbedded();

    public bool TryGet(string? code, out CategoryDefinition category)
    {
        if (code is not null && _categories.TryGetValue(code, out var found))
        {
            category = found;
            return true;
        }

        category = null!;
        return false;
    }

    public CategoryDefinition Get(string code) =>
        TryGet(code, out var category) ? category : throw new KeyNotFoundException($"Category '{code}' is not in the catalog.");

    public bool TryGetDepartment(string code, out DepartmentDefinition department) =>
        _departments.TryGetValue(code, out department!);

    /// <summary>The group of <paramref name="category"/>: its major class, named when the catalog names it.</summary>
    public CategoryGroup GroupOf(CategoryDefinition category) =>
        _groups.TryGetValue(category.GroupCode, out var group) ? group : new CategoryGroup(category.GroupCode, category.GroupCode, category.GroupCode);

    /// <summary>How long a case of <paramref name="urgency"/> may sit at <paramref name="level"/> before it goes further up.</summary>
    public TimeSpan EscalationWindow(Urgency urgency, OrgLevel level) => _windows[urgency].For(level);

    public EscalationWindows WindowsFor(Urgency urgency) => _windows[urgency];

    public static CategoryCatalog LoadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    public static CategoryCatalog Load(Stream json, string source = "catalog")
    {
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CatalogDocument>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid catalog document: {ex.Message}", ex);
        }

        if (document is null)
        {
            throw new InvalidDataException($"{source}: the catalog document is empty.");
        }

        return Validate(document, source);
    }

    private static CategoryCatalog LoadEmbedded()
    {
        using var stream = typeof(CategoryCatalog).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded catalog '{EmbeddedResourceName}' is missing.");
        return Load(stream, "embedded catalog");
    }

    private static CategoryCatalog Validate(CatalogDocument document, string source)
    {
        var errors = new List<string>();
        var departments = document.Departments ?? [];
        var departmentCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var department in departments)
        {
            if (string.IsNullOrWhiteSpace(department.Code) || !departmentCodes.Add(department.Code))
            {
                errors.Add($"department '{department.Code}' has an empty or repeated code");
            }
        }

        var windows = document.Escalation ?? [];
        foreach (var urgency in Enum.GetValues<Urgency>())
        {
            if (!windows.TryGetValue(urgency, out var w))
            {
                errors.Add($"escalation windows for urgency '{urgency}' are missing");
            }
            else if (w.Community <= TimeSpan.Zero || w.Street <= TimeSpan.Zero || w.District <= TimeSpan.Zero || w.City <= TimeSpan.Zero)
            {
                errors.Add($"escalation windows for urgency '{urgency}' must all be positive");
            }
        }

        var categories = document.Categories ?? [];
        var codes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in categories)
        {
            var name = category.Code ?? "(no code)";
            if (string.IsNullOrWhiteSpace(category.Code) || !codes.Add(category.Code))
            {
                errors.Add($"category '{name}' has an empty or repeated code");
            }

            if (string.IsNullOrWhiteSpace(category.NameEn) || string.IsNullOrWhiteSpace(category.NameZh))
            {
                errors.Add($"category '{name}' needs both an English and a Chinese name");
            }

            if (string.IsNullOrWhiteSpace(category.Skill))
            {
                errors.Add($"category '{name}' names no skill");
            }

            if (category.AcceptWithin <= TimeSpan.Zero || category.ResolveWithin <= TimeSpan.Zero)
            {
                errors.Add($"category '{name}' needs positive acceptWithin and resolveWithin");
            }

            if (!IsValidOwner(category.Owner, departmentCodes))
            {
                errors.Add($"category '{name}' has owner '{category.Owner}': expected grid, community, street, district or department:CODE of a listed department");
            }
        }

        var groups = document.Groups ?? [];
        var groupCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups)
        {
            if (string.IsNullOrWhiteSpace(group.Code) || !groupCodes.Add(group.Code))
            {
                errors.Add($"group '{group.Code}' has an empty or repeated code");
            }

            if (string.IsNullOrWhiteSpace(group.NameEn) || string.IsNullOrWhiteSpace(group.NameZh))
            {
                errors.Add($"group '{group.Code}' needs both an English and a Chinese name");
            }
        }

        if (categories.Count == 0)
        {
            errors.Add("the catalog has no categories");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"{source}: {string.Join("; ", errors)}.");
        }

        return new CategoryCatalog(categories, departments, windows, groups);
    }

    private static bool IsValidOwner(string? owner, HashSet<string> departments)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            return false;
        }

        if (owner.StartsWith(DepartmentPrefix, StringComparison.Ordinal))
        {
            return departments.Contains(owner[DepartmentPrefix.Length..]);
        }

        return Enum.TryParse<OrgLevel>(owner, ignoreCase: true, out var level)
            && level is OrgLevel.Grid or OrgLevel.Community or OrgLevel.Street or OrgLevel.District
            && !char.IsDigit(owner[0]);
    }

    private sealed record CatalogDocument(
        List<DepartmentDefinition>? Departments,
        Dictionary<Urgency, EscalationWindows>? Escalation,
        List<CategoryDefinition>? Categories,
        List<CategoryGroup>? Groups = null);
}
