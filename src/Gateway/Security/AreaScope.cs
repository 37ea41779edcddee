using System.Security.Claims;
using Dispatch.Territory;

namespace Dispatch.Gateway.Security;

/// <summary>
/// The area an operator or hotline key is limited to: a district, street or community, named by its
/// desk key (<c>district:D01</c>). A key without one covers the whole city.
/// </summary>
public static class AreaScope
{
    public const string Claim = "dispatch:scope";

    /// <summary>The area of a scoped key; null for a key that covers the city.</summary>
    public static DeskRef? Of(ClaimsPrincipal user) =>
        user.FindFirstValue(Claim) is { } text && DeskRef.TryParse(text, out var scope) ? scope : null;

    /// <summary>What is wrong with giving <paramref name="role"/> the scope <paramref name="scope"/>; null when it may have it.</summary>
    public static string? Problem(string role, string scope)
    {
        if (role is not (Roles.Operator or Roles.Hotline))
        {
            return $"only operator and hotline keys are limited to an area, not {role} keys";
        }

        return DeskRef.TryParse(scope, out var desk) && IsAreaLevel(desk.Level)
            ? null
            : $"'{scope}' is not an area: use district:<id>, street:<id> or community:<id>";
    }

    public static bool IsAreaLevel(OrgLevel level) => level is OrgLevel.District or OrgLevel.Street or OrgLevel.Community;

    /// <summary>Whether a place lies in the area.</summary>
    public static bool Covers(DeskRef scope, TerritoryPath path) => scope.Level switch
    {
        OrgLevel.District => path.DistrictId == scope.Id,
        OrgLevel.Street => path.StreetId == scope.Id,
        OrgLevel.Community => path.CommunityId == scope.Id,
        _ => false,
    };
}
