using System.Security.Cryptography;

namespace Dispatch.Incidents;

/// <summary>
/// Case numbers that hotline staff can read over the phone: the registration date, then twelve
/// Crockford base-32 characters (60 random bits), such as <c>20261123-7F3K9QXA2B4C</c>.
/// </summary>
public static class IncidentIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int RandomLength = 12;

    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return Format(now, BitConverter.ToUInt64(random));
    }

    /// <summary>
    /// The case number of <paramref name="day"/> that <paramref name="seed"/> names: the same for the
    /// same seed in every process, so whatever makes a case on its own schedule can make it again
    /// without making a second one.
    /// </summary>
    public static string Derived(DateTimeOffset day, string seed) =>
        Format(day, BitConverter.ToUInt64(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed))));

    private static string Format(DateTimeOffset day, ulong bits)
    {
        Span<char> text = stackalloc char[9 + RandomLength];
        day.UtcDateTime.TryFormat(text, out _, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        text[8] = '-';
        for (var i = 0; i < RandomLength; i++)
        {
            text[9 + i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new string(text);
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a case number (a cheap check before touching a grain).</summary>
    public static bool IsWellFormed(string? id)
    {
        if (id is null || id.Length != 9 + RandomLength || id[8] != '-')
        {
            return false;
        }

        for (var i = 0; i < 8; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return false;
            }
        }

        for (var i = 9; i < id.Length; i++)
        {
            if (!Alphabet.Contains(id[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
