using System.Globalization;
using Dispatch.Catalog;
using Dispatch.Incidents;
using Dispatch.Territory;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gateway.Apis.Open311;

/// <summary>The languages the catalog names things in.</summary>
public enum Open311Language
{
    English,
    Chinese,
}

/// <summary>
/// Picks the language of an answer — the <c>locale</c> parameter, else <c>Accept-Language</c>, else
/// English — and says in it what the catalog and a case's state say.
/// </summary>
public static class Open311Texts
{
    public const string LocaleParameter = "locale";

    /// <exception cref="Open311Exception">The <c>locale</c> parameter names a language the catalog does not have.</exception>
    public static Open311Language Pick(HttpRequest request)
    {
        var locale = request.Query[LocaleParameter].ToString().Trim();
        if (locale.Length > 0)
        {
            return Of(locale) ?? throw new Open311Exception(StatusCodes.Status400BadRequest,
                $"locale '{locale}' is not offered: use en (English) or zh (Chinese, 中文).");
        }

        // The most wanted language the catalog has; a language it lacks is skipped, as content negotiation does.
        var wanted = request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value == "*" ? Open311Language.English : Of(l.Value.Value));
        return wanted.FirstOrDefault(l => l is not null) ?? Open311Language.English;
    }

    /// <summary>The language of a tag such as <c>zh</c>, <c>zh-CN</c>, <c>zh_Hans</c>, <c>en-GB</c>; null for any other.</summary>
    public static Open311Language? Of(string? tag)
    {
        var primary = (tag ?? "").Split('-', '_')[0];
        return string.Equals(primary, "zh", StringComparison.OrdinalIgnoreCase) ? Open311Language.Chinese
            : string.Equals(primary, "en", StringComparison.OrdinalIgnoreCase) ? Open311Language.English
            : null;
    }

    public static string ContentLanguage(Open311Language language) => language == Open311Language.Chinese ? "zh" : "en";

    public static string Name(this CategoryDefinition category, Open311Language language) =>
        language == Open311Language.Chinese ? category.NameZh : category.NameEn;

    public static string? Description(this CategoryDefinition category, Open311Language language) =>
        language == Open311Language.Chinese ? category.DescriptionZh : category.DescriptionEn;

    public static string? Keywords(this CategoryDefinition category, Open311Language language) =>
        (language == Open311Language.Chinese ? category.KeywordsZh : category.KeywordsEn) is { Count: > 0 } words
            ? string.Join(language == Open311Language.Chinese ? "、" : ", ", words)
            : null;

    public static string Group(this CategoryCatalog catalog, CategoryDefinition category, Open311Language language)
    {
        var group = catalog.GroupOf(category);
        return language == Open311Language.Chinese ? group.NameZh : group.NameEn;
    }

    /// <summary>What the resident can expect: the category's time limits, as the category counts them, and who handles it.</summary>
    public static string ServiceNotice(CategoryCatalog catalog, CategoryDefinition category, Open311Language language)
    {
        var owner = category.OwnerDepartment is { } code && catalog.TryGetDepartment(code, out var department)
            ? (language == Open311Language.Chinese ? department.NameZh : department.NameEn)
            : OwnerName(category.OwnerLevel, language);
        var working = category.CountsWorkingTime;
        string Limit(TimeSpan span) => Duration(span, language, working);
        return language == Open311Language.Chinese
            ? $"由{owner}办理:派遣后{Limit(category.AcceptWithin)}内受理,"
                + (category.ContactWithin is { } contactZh ? $"登记后{Limit(contactZh)}内与您联系," : "")
                + $"登记后{Limit(category.ResolveWithin)}内办结。"
            : $"Handled by {owner}: accepted within {Limit(category.AcceptWithin)} of dispatch, "
                + (category.ContactWithin is { } contact ? $"you are contacted within {Limit(contact)} and " : "")
                + $"resolved within {Limit(category.ResolveWithin)} of the report.";
    }

    /// <summary>The desk that owns a case (the one tracking its deadlines), by name.</summary>
    public static string Agency(CategoryCatalog catalog, DeskRef desk, Open311Language language)
    {
        if (desk.Level == OrgLevel.Department && catalog.TryGetDepartment(desk.Id, out var department))
        {
            return language == Open311Language.Chinese ? department.NameZh : department.NameEn;
        }

        var level = language == Open311Language.Chinese
            ? desk.Level switch
            {
                OrgLevel.Grid => "网格",
                OrgLevel.Community => "社区",
                OrgLevel.Street => "街道",
                OrgLevel.District => "区",
                OrgLevel.City => "市",
                _ => "部门",
            }
            : desk.Level switch
            {
                OrgLevel.Grid => "Grid",
                OrgLevel.Community => "Community",
                OrgLevel.Street => "Street office",
                OrgLevel.District => "District",
                OrgLevel.City => "City command centre",
                _ => "Department",
            };
        return $"{level} {desk.Id}";
    }

    /// <summary>
    /// More than open or closed: where the case is in its life. The reason is given only where it is
    /// meant for the resident (the worker's result, why it was closed or cancelled, what the on-site
    /// check found), not the desks' notes.
    /// </summary>
    public static string StatusNotes(IncidentView view, Open311Language language)
    {
        var chinese = language == Open311Language.Chinese;
        var notes = view.Status switch
        {
            IncidentStatus.Reported or IncidentStatus.Registered => chinese ? "已登记,等待派遣。" : "Registered; waiting to be dispatched.",
            IncidentStatus.Dispatched => chinese ? "已派遣,等待受理。" : "Dispatched; waiting to be accepted.",
            IncidentStatus.Accepted => chinese ? "已受理,正在处置。" : "Accepted; being handled.",
            IncidentStatus.Resolved => chinese ? "已处置,等待核查。" : "Handled; waiting for the result to be checked.",
            IncidentStatus.Verified => chinese ? "已核查,等待结案。" : "Result checked; waiting to be closed.",
            IncidentStatus.Closed => chinese ? "已结案。" : "Closed.",
            IncidentStatus.Rated => chinese ? "已结案并回访评价。" : "Closed and rated by the resident.",
            IncidentStatus.Merged => chinese ? $"与 {view.MergedInto} 重复,并入该案办理。" : $"A duplicate of {view.MergedInto}, followed up there.",
            IncidentStatus.Cancelled => chinese ? "已撤销。" : "Cancelled.",
            IncidentStatus.AwaitingConfirmation => chinese ? "已受理,等待网格员现场核实后立案。" : "Received; a grid worker checks it on site before it is filed.",
            IncidentStatus.Unconfirmed => chinese ? "经网格员现场核实,未发现所反映的问题,不予立案。" : "Checked on site: the problem reported was not found, so no case was filed.",
            _ => view.Status.ToString(),
        };
        var reason = view.Status is IncidentStatus.Resolved or IncidentStatus.Closed or IncidentStatus.Cancelled or IncidentStatus.Unconfirmed
            ? view.Timeline.LastOrDefault(t => t.To == view.Status && t.From != t.To)?.Reason
            : null;
        return string.IsNullOrWhiteSpace(reason) ? notes : $"{notes} {reason}";
    }

    /// <summary>"2 hours", "1 day", "30 minutes" (or 2小时, 1天, 30分钟).</summary>
    public static string Duration(TimeSpan span, Open311Language language, bool working = false)
    {
        var chinese = language == Open311Language.Chinese;
        var (count, unit) = span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? ((int)span.TotalDays, chinese ? (working ? "个工作日" : "天") : "day")
            : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? ((int)span.TotalHours, chinese ? (working ? "个工作小时" : "小时") : "hour")
            : ((int)Math.Ceiling(span.TotalMinutes), chinese ? (working ? "分钟(工作时间)" : "分钟") : "minute");
        var number = count.ToString(CultureInfo.InvariantCulture);
        return chinese ? number + unit : $"{number} {(working ? "working " : "")}{unit}{(count == 1 ? "" : "s")}";
    }

    private static string OwnerName(OrgLevel level, Open311Language language) => language == Open311Language.Chinese
        ? level switch
        {
            OrgLevel.Grid => "网格员",
            OrgLevel.Community => "社区",
            OrgLevel.Street => "街道",
            _ => "区",
        }
        : level switch
        {
            OrgLevel.Grid => "the grid's workers",
            OrgLevel.Community => "the community",
            OrgLevel.Street => "the street office",
            _ => "the district",
        };
}
