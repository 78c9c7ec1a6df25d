using System.Security.Cryptography;

namespace Parley.Grains.Accounts;

/// <summary>
/// A device's credential: 256 random bits. The node keeps only the SHA-256 of a token (a token has
/// full entropy, so a fast hash is as good as a slow one) and compares hashes in constant time.
/// </summary>
public static class DeviceToken
{
    public const int Length = 32;

    public static byte[] Generate() => RandomNumberGenerator.GetBytes(Length);

    public static byte[] Hash(ReadOnlySpan<byte> token) => SHA256.HashData(token);

    public static bool HashMatches(ReadOnlySpan<byte> presentedHash, ReadOnlySpan<byte> storedHash) =>
        CryptographicOperations.FixedTimeEquals(presentedHash, storedHash);
}
