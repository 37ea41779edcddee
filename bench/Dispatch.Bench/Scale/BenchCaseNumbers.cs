namespace Dispatch.Bench.Scale;

/// <summary>
/// Case numbers the bench chooses itself (a report may bring its own): the date, then the report's
/// sequence number in the same Crockford base-32 alphabet as real ones. Every transition on the
/// feed then names its report's slot directly, so a million cases need arrays, not dictionaries.
/// </summary>
public static class BenchCaseNumbers
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Digits = 12;
    private const int Prefix = 9; // yyyyMMdd-

    public static string Of(DateTimeOffset day, long sequence)
    {
        Span<char> text = stackalloc char[Prefix + Digits];
        day.UtcDateTime.TryFormat(text, out _, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        text[8] = '-';
        for (var i = text.Length - 1; i >= Prefix; i--)
        {
            text[i] = Alphabet[(int)(sequence & 31)];
            sequence >>= 5;
        }

        return new string(text);
    }

    /// <summary>The sequence number of a case number made by <see cref="Of"/>, or -1 for any other.</summary>
    public static long SequenceOf(string caseNumber)
    {
        if (caseNumber.Length != Prefix + Digits)
        {
            return -1;
        }

        long sequence = 0;
        for (var i = Prefix; i < caseNumber.Length; i++)
        {
            var digit = Alphabet.IndexOf(caseNumber[i], StringComparison.Ordinal);
            if (digit < 0)
            {
                return -1;
            }

            sequence = (sequence << 5) | (uint)digit;
        }

        return sequence;
    }
}
