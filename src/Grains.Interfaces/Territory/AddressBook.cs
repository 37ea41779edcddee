using System.Text;

namespace Dispatch.Territory;

/// <summary>How addresses are normalised and which partition of the address book holds them.</summary>
public static class AddressBook
{
    public const int Partitions = 64;

    /// <summary>Lower case, full-width characters folded, whitespace and common punctuation removed,
    /// so "12 Heping Road, Bldg 3" and "12 heping road bldg 3" meet.</summary>
    public static string Normalize(string address)
    {
        var folded = address.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    public static int PartitionOf(string normalizedAddress) =>
        StableHash.Partition(normalizedAddress, Partitions);
}
