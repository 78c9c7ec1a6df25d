using Parley.Crypto.Primitives;

namespace Parley.Crypto.Fingerprints;

/// <summary>
/// The safety number of a pair of identities: a 60-digit <see cref="DisplayableFingerprint"/> to read
/// aloud and a <see cref="ScannableFingerprint"/> to show as a QR code. Computed as libsignal does:
/// per side, SHA-512(0x0000 || key || stable id || key), then <c>iterations - 1</c> more rounds of
/// SHA-512(previous || key).
/// </summary>
public sealed class Fingerprint
{
    /// <summary>The iteration count Signal uses.</summary>
    public const int DefaultIterations = 5200;

    private Fingerprint(DisplayableFingerprint displayable, ScannableFingerprint scannable)
    {
        Displayable = displayable;
        Scannable = scannable;
    }

    public DisplayableFingerprint Displayable { get; }

    public ScannableFingerprint Scannable { get; }

    /// <param name="version">Goes into the scannable form; both sides must use the same one.</param>
    /// <param name="localId">A stable identifier of the local user (Parley: the account id's UTF-8 bytes).</param>
    /// <param name="localKey">The local user's identity key.</param>
    /// <param name="remoteId">The same for the peer.</param>
    /// <param name="remoteKey">The peer's identity key.</param>
    /// <param name="iterations">Hash rounds, 2 to 1,000,000.</param>
    public static Fingerprint Create(uint version, byte[] localId, IdentityKey localKey, byte[] remoteId, IdentityKey remoteKey, int iterations = DefaultIterations)
    {
        if (iterations is <= 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), "Iterations must be between 2 and 1,000,000.");
        }
        var local = Digest(iterations, localId, localKey);
        var remote = Digest(iterations, remoteId, remoteKey);
        return new Fingerprint(DisplayableFingerprint.Create(local, remote), new ScannableFingerprint(version, local[..32], remote[..32]));
    }

    private static byte[] Digest(int iterations, byte[] stableId, IdentityKey key)
    {
        var keyBytes = key.Serialize();
        var hash = Hashes.Sha512([0x00, 0x00], keyBytes, stableId, keyBytes);
        for (var i = 1; i < iterations; i++)
        {
            hash = Hashes.Sha512(hash, keyBytes);
        }
        return hash;
    }
}
