using System.Text.Json.Serialization;
using Dispatch.Territory;

namespace Dispatch.Catalog;

/// <summary>How fast a category must be handled; selects the escalation windows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Urgency>))]
public enum Urgency
{
    Emergency = 0,
    Urgent = 1,
    Normal = 2,
    Low = 3,
}

/// <summary>How a category's limits are counted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LimitUnit>))]
public enum LimitUnit
{
    /// <summary>Working time of the city's calendar: the whole days of a limit are working days, the rest working hours.</summary>
    Working = 0,

    /// <summary>Clock time, through nights, weekends and holidays (emergencies always count so).</summary>
    Continuous = 1,
}

/// <summary>One category of the catalog (the access list): who owns it and how long each step may take.</summary>
/// <param name="Code">Stable code, such as <c>sanitation</c>.</param>
/// <param name="ClassCode">Major + minor class code in the style of the city-management standards, such as <c>01.02</c>.</param>
/// <param name="Skill">The worker skill it needs.</param>
/// <param name="Owner">Who handles it: <c>grid</c>, <c>community</c>, <c>street</c>, <c>district</c>, or <c>department:CODE</c>.</param>
/// <param name="AcceptWithin">Time from dispatch to acceptance.</param>
/// <param name="ResolveWithin">Time from registration to a reported result.</param>
/// <param name="NotifyUpward">Whether registration immediately notifies the community desk (emergencies).</param>
/// <param name="DescriptionEn">What the category covers, in English, for residents choosing it (Open311's service description).</param>
/// <param name="DescriptionZh">The same in Chinese.</param>
/// <param name="KeywordsEn">Words residents may search for it by (synonyms of its name and group), in English.</param>
/// <param name="KeywordsZh">The same in Chinese.</param>
/// <param name="LimitUnit">How <paramref name="AcceptWithin"/> and <paramref name="ResolveWithin"/> are counted; left out, in working
/// time — except an emergency's, which always run continuously.</param>
/// <param name="ConfirmWithin">When set, a report of the category from a channel that
/// <c>Dispatch:ConfirmBeforeFiling:Channels</c> lists is confirmed on site by a worker of its grid before it is
/// filed (核实), within this limit (counted like the others); left out, reports are filed at once.</param>
/// <param name="ContactWithin">The first-contact stage (首次联系): time from registration until the handler must have reached the
/// resident who reported it, counted like the other limits; missed, the level above hears of it. Left out, the category has no
/// such stage. It applies to residents' reports only: a worker's own patrol report or a planned visit has nobody to call back.</param>
[GenerateSerializer, Immutable, Alias("Dispatch.CategoryDefinition")]
public sealed record CategoryDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string ClassCode,
    [property: Id(2)] string NameEn,
    [property: Id(3)] string NameZh,
    [property: Id(4)] Urgency Urgency,
    [property: Id(5)] TimeSpan AcceptWithin,
    [property: Id(6)] TimeSpan ResolveWithin,
    [property: Id(7)] string Skill,
    [property: Id(8)] string Owner,
    [property: Id(9)] bool NotifyUpward,
    [property: Id(10)] string? DescriptionEn = null,
    [property: Id(11)] string? DescriptionZh = null,
    [property: Id(12)] IReadOnlyList<string>? KeywordsEn = null,
    [property: Id(13)] IReadOnlyList<string>? KeywordsZh = null,
    [property: Id(14), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LimitUnit? LimitUnit = null,
    [property: Id(15), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimeSpan? ConfirmWithin = null,
    [property: Id(20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimeSpan? ContactWithin = null)
{
    /// <summary>Whether the limits run only in the city's working time: ordinary categories; emergencies never.</summary>
    [JsonIgnore]
    public bool CountsWorkingTime => Urgency != Urgency.Emergency && (LimitUnit ?? Catalog.LimitUnit.Working) == Catalog.LimitUnit.Working;

    /// <summary>The major class of <see cref="ClassCode"/> ("01" of "01.02"): the category's group.</summary>
    [JsonIgnore]
    public string GroupCode => (ClassCode ?? "").Split('.', 2)[0];

    /// <summary>The level that owns the category.</summary>
    [JsonIgnore]
    public OrgLevel OwnerLevel => Owner.StartsWith(CategoryCatalog.DepartmentPrefix, StringComparison.Ordinal)
        ? OrgLevel.Department
        : Enum.Parse<OrgLevel>(Owner, ignoreCase: true);

    /// <summary>The department code when a department owns the category.</summary>
    [JsonIgnore]
    public string? OwnerDepartment => OwnerLevel == OrgLevel.Department ? Owner[CategoryCatalog.DepartmentPrefix.Length..] : null;
}

/// <summary>A department that owns categories on the access list (urban management, gas company, police...).</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.DepartmentDefinition")]
public sealed record DepartmentDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string NameEn,
    [property: Id(2)] string NameZh);

/// <summary>A major class of the catalog, grouping categories for residents (Open311's service group), such as "01" environment and property.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.CategoryGroup")]
public sealed record CategoryGroup(
    [property: Id(0)] string Code,
    [property: Id(1)] string NameEn,
    [property: Id(2)] string NameZh);

/// <summary>The supervision window of each level for one urgency: how long a case may sit at that level before it goes up.</summary>
[GenerateSerializer, Immutable, Alias("Dispatch.EscalationWindows")]
public sealed record EscalationWindows(
    [property: Id(0)] TimeSpan Community,
    [property: Id(1)] TimeSpan Street,
    [property: Id(2)] TimeSpan District,
    [property: Id(3)] TimeSpan City)
{
    public TimeSpan For(OrgLevel level) => level switch
    {
        OrgLevel.Community => Community,
        OrgLevel.Street => Street,
        OrgLevel.District => District,
        OrgLevel.City => City,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Only area levels have escalation windows."),
    };
}
