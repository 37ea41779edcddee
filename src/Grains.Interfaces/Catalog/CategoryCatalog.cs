using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Territory;

namespace Dispatch.Catalog;

/// <summary>
/// The category catalog (access list), read from a JSON data file. Every rule about a category —
/// its owner, skill, urgency and time limits — comes from here; nothing is hard-coded elsewhere.
/// One instance per process is shared by everyone who reads it; a territory import may install a
/// newer catalog (<see cref="ICatalogGrain"/>), which <see cref="Replace"/> swaps in whole, so a
/// reader sees either the old lookups or the new ones, never a mix within one call.
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

    /// <summary>The shipped catalog is shared by every user of <see cref="Default"/> in the process: it is never replaced.</summary>
    private readonly bool _shared;

    private Snapshot _current;

    private CategoryCatalog(Snapshot current, bool shared = false)
    {
        _current = current;
        _shared = shared;
    }

    private Snapshot Current => Volatile.Read(ref _current);

    public IReadOnlyList<CategoryDefinition> Categories => Current.Categories;

    public IReadOnlyList<DepartmentDefinition> Departments => Current.Departments;

    /// <summary>The major classes that group categories; a catalog may leave them out.</summary>
    public IReadOnlyList<CategoryGroup> Groups => Current.Groups;

    /// <summary>The installed version this catalog holds (<see cref="ICatalogGrain"/>); 0 for a file read at start or the shipped one.</summary>
    public int Version => Current.Version;

    /// <summary>The catalog shipped with Dispatch. Shared by the whole process, so it cannot be replaced: hosts use a <see cref="Copy"/>.</summary>
    public static CategoryCatalog Default { get; } = new(LoadEmbedded().Current, shared: true);

    /// <summary>A catalog of its own with the same contents: what it holds now, never replaced when this one is.</summary>
    public CategoryCatalog Copy() => new(Current);

    /// <summary>
    /// Makes <paramref name="newer"/>'s contents this catalog's, as installed version <paramref name="version"/>,
    /// unless this one already holds that version or a later one (a poll and an install may race).
    /// Answers whether it swapped. Whether the newer catalog keeps the codes open cases need is the
    /// installer's check (<see cref="CatalogSuccession"/>), not this one's.
    /// </summary>
    public bool Replace(CategoryCatalog newer, int version)
    {
        if (_shared)
        {
            throw new InvalidOperationException("The shipped catalog is shared by the whole process; replace a copy of it.");
        }

        var next = newer.Current with { Version = version };
        while (true)
        {
            var seen = Current;
            if (seen.Version >= version)
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, seen), seen))
            {
                return true;
            }
        }
    }

    public bool TryGet(string? code, out CategoryDefinition category)
    {
        if (code is not null && Current.ByCode.TryGetValue(code, out var found))
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
        Current.DepartmentsByCode.TryGetValue(code, out department!);

    /// <summary>The group of <paramref name="category"/>: its major class, named when the catalog names it.</summary>
    public CategoryGroup GroupOf(CategoryDefinition category) =>
        Current.GroupsByCode.TryGetValue(category.GroupCode, out var group) ? group : new CategoryGroup(category.GroupCode, category.GroupCode, category.GroupCode);

    /// <summary>How long a case of <paramref name="urgency"/> may sit at <paramref name="level"/> before it goes further up.</summary>
    public TimeSpan EscalationWindow(Urgency urgency, OrgLevel level) => Current.Windows[urgency].For(level);

    public EscalationWindows WindowsFor(Urgency urgency) => Current.Windows[urgency];

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

    /// <summary>A catalog from its JSON text (a byte-order mark is allowed, as in a file).</summary>
    public static CategoryCatalog Load(byte[] json, string source = "catalog") => Load(new MemoryStream(json, writable: false), source);

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

            if (category.ContactWithin is { } contact && (contact <= TimeSpan.Zero || contact > category.ResolveWithin))
            {
                errors.Add($"category '{name}' has contactWithin {contact}: it must be positive and no longer than resolveWithin");
            }

            if (category.Urgency == Urgency.Emergency && category.LimitUnit == LimitUnit.Working)
            {
                errors.Add($"category '{name}' is an emergency: its limits run continuously, not in working time");
            }

            if (category.ConfirmWithin is { } confirm && confirm <= TimeSpan.Zero)
            {
                errors.Add($"category '{name}' needs a positive confirmWithin (or none: filed at once)");
            }

            if (category.ConfirmWithin is not null && category.Urgency == Urgency.Emergency)
            {
                errors.Add($"category '{name}' is an emergency: it is filed at once, never held for an on-site check (confirmWithin)");
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

        return new CategoryCatalog(new Snapshot(categories, departments, windows.ToFrozenDictionary(), groups, Version: 0));
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

    /// <summary>One catalog's lookups, never changed once built: swapping the whole of it is what makes a replacement safe for readers.</summary>
    private sealed record Snapshot(
        IReadOnlyList<CategoryDefinition> Categories,
        IReadOnlyList<DepartmentDefinition> Departments,
        IReadOnlyDictionary<Urgency, EscalationWindows> Windows,
        IReadOnlyList<CategoryGroup> Groups,
        int Version)
    {
        public FrozenDictionary<string, CategoryDefinition> ByCode { get; } = Categories.ToFrozenDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);

        public FrozenDictionary<string, DepartmentDefinition> DepartmentsByCode { get; } = Departments.ToFrozenDictionary(d => d.Code, StringComparer.OrdinalIgnoreCase);

        public FrozenDictionary<string, CategoryGroup> GroupsByCode { get; } = Groups.ToFrozenDictionary(g => g.Code, StringComparer.OrdinalIgnoreCase);
    }

    private sealed record CatalogDocument(
        List<DepartmentDefinition>? Departments,
        Dictionary<Urgency, EscalationWindows>? Escalation,
        List<CategoryDefinition>? Categories,
        List<CategoryGroup>? Groups = null);
}
