using Dispatch.Catalog;
using Dispatch.Territory;

namespace Dispatch.Incidents;

/// <summary>
/// The case's clocks, from the catalog: accept runs from each dispatch, resolve from registration
/// (and afresh for rework), and each escalation level has its own supervision window.
/// </summary>
public static class IncidentDeadlines
{
    public static DateTimeOffset ResolveDue(CategoryDefinition category, DateTimeOffset from) => from + category.ResolveWithin;

    public static DateTimeOffset AcceptDue(CategoryDefinition category, DateTimeOffset dispatchedAt) => dispatchedAt + category.AcceptWithin;

    /// <summary>When a case that has just reached <paramref name="level"/> goes further up; null at the top.</summary>
    public static DateTimeOffset? NextEscalationDue(CategoryCatalog catalog, CategoryDefinition category, OrgLevel level, DateTimeOffset at) =>
        level >= OrgLevel.City ? null : at + catalog.EscalationWindow(category.Urgency, level);
}
