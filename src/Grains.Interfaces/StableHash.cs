namespace Dispatch;

/// <summary>A hash of a string that is the same in every process (string.GetHashCode is not), for partitioning.</summary>
public static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units.</summary>
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    public static int Partition(string text, int partitions) => (int)(Of(text) % (uint)partitions);
}
