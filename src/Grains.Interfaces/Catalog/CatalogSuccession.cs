namespace Dispatch.Catalog;

/// <summary>
/// What a catalog may change of the one before it. Names, limits, skills, owners and windows may
/// change and categories, departments and groups may be added, but no category code and no
/// department code may go: open cases fold against their category and department desks hold cases,
/// so a catalog without them would break cases that are already in the system.
/// </summary>
public static class CatalogSuccession
{
    /// <summary>Why <paramref name="next"/> may not follow <paramref name="current"/>; empty when it may.</summary>
    public static IReadOnlyList<string> Problems(CategoryCatalog current, CategoryCatalog next)
    {
        var problems = new List<string>();
        var categories = current.Categories.Select(c => c.Code).Where(code => !next.TryGet(code, out _)).ToArray();
        if (categories.Length > 0)
        {
            problems.Add($"the catalog drops categor{(categories.Length == 1 ? "y" : "ies")} {string.Join(", ", categories)} of the current catalog; "
                + "open cases fold against their category, so keep every code (names and limits may change)");
        }

        var departments = current.Departments.Select(d => d.Code).Where(code => !next.TryGetDepartment(code, out _)).ToArray();
        if (departments.Length > 0)
        {
            problems.Add($"the catalog drops department{(departments.Length == 1 ? "" : "s")} {string.Join(", ", departments)} of the current catalog; "
                + "their desks may hold cases, so keep every department code (names may change)");
        }

        return problems;
    }
}
