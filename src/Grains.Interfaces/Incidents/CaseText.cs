using System.Globalization;
using Dispatch.Errors;

namespace Dispatch.Incidents;

/// <summary>
/// The rules for free text a person types into a case (descriptions, reasons, notes, results,
/// comments, names): a length limit, no control characters, and something visible in it.
/// </summary>
public static class CaseText
{
    /// <summary>Descriptions, reasons, notes, results and rating comments.</summary>
    public const int MaxLength = 4000;

    /// <summary>A reporter's name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>A reporter's phone number.</summary>
    public const int MaxPhoneLength = 40;

    /// <summary>A report's address.</summary>
    public const int MaxAddressLength = 500;

    /// <summary>A building id in a report.</summary>
    public const int MaxIdLength = 100;

    /// <summary>Text that must be given: trimmed, or refused as <see cref="ValidationFailedException"/> naming <paramref name="field"/>.</summary>
    public static string Require(string field, string? text, int maxLength = MaxLength) =>
        Optional(field, text, maxLength) ?? throw new ValidationFailedException(field, $"'{field}' must not be empty (invisible characters do not count).");

    /// <summary>Text that may be left out: null when absent or blank, otherwise trimmed and checked as <see cref="Require"/> does.</summary>
    public static string? Optional(string field, string? text, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > maxLength)
        {
            throw new ValidationFailedException(field, $"'{field}' is longer than {maxLength} characters.");
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                throw new ValidationFailedException(field, $"'{field}' contains the control character U+{(int)c:X4}.");
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ValidationFailedException(field, $"'{field}' is not valid Unicode (a lone surrogate U+{(int)c:X4}).");
            }
        }

        return IsBlank(text) ? null : text.Trim();
    }

    /// <summary>True when nothing in the text would show: white space, format characters (zero-width
    /// space and joiners, BOM, soft hyphen), controls, and the blank letters that render as nothing.</summary>
    public static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c) && !IsInvisible(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInvisible(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format
        || c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800' or '\u180E' or '\u034F';
}
