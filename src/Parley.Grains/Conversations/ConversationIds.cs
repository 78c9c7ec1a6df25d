using System.Buffers.Text;
using System.Security.Cryptography;

namespace Parley.Grains.Conversations;

/// <summary>
/// Conversation ids: "d_" + 22 characters for a 1:1 conversation, derived from the pair of accounts
/// so both sides name the same log without a lookup; "g_" + 22 random characters for a group.
/// </summary>
public static class ConversationIds
{
    private const int EncodedLength = 22; // 16 bytes, base64url without padding

    public static string Direct(Guid a, Guid b)
    {
        var (low, high) = a.CompareTo(b) <= 0 ? (a, b) : (b, a);
        Span<byte> input = stackalloc byte[32];
        low.TryWriteBytes(input[..16], bigEndian: true, out _);
        high.TryWriteBytes(input[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return "d_" + Base64Url.EncodeToString(hash[..16]);
    }

    public static string NewGroup() => "g_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static bool IsDirect(string id) => IsWellFormed(id) && id[0] == 'd';

    public static bool IsWellFormed(string? id) =>
        id is { Length: EncodedLength + 2 } && (id.StartsWith("d_", StringComparison.Ordinal) || id.StartsWith("g_", StringComparison.Ordinal))
        && Base64Url.IsValid(id.AsSpan(2));
}
