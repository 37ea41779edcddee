using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dispatch.Journal;

/// <summary>
/// One row of the journal as it is stored: a case event (or a worker's duty change) in its
/// envelope, the payload as JSON text, and the hash chain. <see cref="Hash"/> covers every other
/// field and <see cref="PreviousHash"/>, so a row that is edited, removed or slipped in is noticed
/// by whoever reads the stream (<see cref="JournalChain"/>).
/// </summary>
/// <param name="Stream">A case number, or <c>worker:ID</c> for a worker's duty.</param>
/// <param name="Sequence">1 for the first row of the stream, one more for each after it.</param>
/// <param name="NoticeFor">The desk key that lists this row among its notices, if any.</param>
/// <param name="PreviousHash">The hash of row <c>Sequence - 1</c>; empty for the first row.</param>
public sealed record JournalEntry(
    string Stream,
    int Sequence,
    string Type,
    string Actor,
    DateTimeOffset At,
    string? Reason,
    string? NoticeFor,
    string Payload,
    string PreviousHash,
    string Hash)
{
    /// <summary>Where the row sits in the journal's commit order; 0 until it is stored.</summary>
    public long Position { get; init; }

    /// <summary>Builds a row and its hash.</summary>
    public static JournalEntry Create(
        string stream, int sequence, string type, string actor, DateTimeOffset at, string? reason, string? noticeFor, string payload, string previousHash) =>
        new(stream, sequence, type, actor, at, reason, noticeFor, payload, previousHash,
            HashOf(stream, sequence, type, actor, at, reason, noticeFor, payload, previousHash));

    /// <summary>Whether <see cref="Hash"/> is what the other fields hash to.</summary>
    public bool HashMatches =>
        string.Equals(Hash, HashOf(Stream, Sequence, Type, Actor, At, Reason, NoticeFor, Payload, PreviousHash), StringComparison.Ordinal);

    /// <summary>
    /// SHA-256 over the fields, each length-prefixed (a null field as length -1), so no two rows
    /// with different fields share an input. Instants are hashed as UTC ticks, as they are stored.
    /// </summary>
    public static string HashOf(
        string stream, int sequence, string type, string actor, DateTimeOffset at, string? reason, string? noticeFor, string payload, string previousHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Text(hash, previousHash);
        Text(hash, stream);
        Number(hash, sequence);
        Text(hash, type);
        Text(hash, actor);
        Number(hash, at.UtcTicks);
        Text(hash, reason);
        Text(hash, noticeFor);
        Text(hash, payload);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Number(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }

    private static void Text(IncrementalHash hash, string? text)
    {
        Span<byte> length = stackalloc byte[4];
        if (text is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
