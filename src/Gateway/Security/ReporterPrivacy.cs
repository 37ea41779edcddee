using System.Security.Claims;
using Dispatch.Incidents;

namespace Dispatch.Gateway.Security;

/// <summary>
/// Reporters' names, phone numbers and email addresses are shown only to the hotline (which takes
/// the calls and makes the follow-up call) and to operators whose area holds the case (an operator
/// key without an area holds the whole city). Everyone else — workers, admins — sees them masked:
/// enough to tell two reporters apart, not enough to call them.
/// </summary>
public static class ReporterPrivacy
{
    public static bool MayContact(ClaimsPrincipal user, IncidentView view) =>
        user.IsInRole(Roles.Hotline)
        || (user.IsInRole(Roles.Operator) && (AreaScope.Of(user) is not { } scope || AreaScope.Covers(scope, view.Placement.Path)));

    /// <summary>The case as <paramref name="user"/> may see it.</summary>
    public static IncidentView ForViewer(ClaimsPrincipal user, IncidentView view) =>
        MayContact(user, view) ? view : view with { Reporters = [.. view.Reporters.Select(Masked)] };

    public static Reporter Masked(Reporter reporter) =>
        new(MaskName(reporter.Name), reporter.Phone is null ? null : MaskPhone(reporter.Phone), reporter.Email is null ? null : MaskEmail(reporter.Email));

    /// <summary>The first character, the rest starred: 张三丰 → 张**.</summary>
    public static string MaskName(string name)
    {
        var letters = name.EnumerateRunes().ToArray();
        return letters.Length <= 1 ? "*" : letters[0] + new string('*', letters.Length - 1);
    }

    /// <summary>Every digit but the last four starred: 13800138000 → *******8000 (a short number is starred whole).</summary>
    public static string MaskPhone(string phone)
    {
        var digits = phone.Count(char.IsAsciiDigit);
        var keep = digits > 6 ? 4 : 0;
        var chars = phone.ToCharArray();
        var seen = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiDigit(chars[i]) && ++seen <= digits - keep)
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    /// <summary>The first character of the mailbox and the domain: a***@example.org.</summary>
    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }
}
