using Google.Protobuf;
using Parley.Crypto.Primitives;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Fingerprints;

/// <summary>The QR-code form: a protobuf {version, local digest (32 bytes), remote digest (32 bytes)}.
/// Scanning the peer's code and comparing checks that their local is our remote and vice versa.</summary>
public sealed class ScannableFingerprint
{
    private readonly byte[] _local;
    private readonly byte[] _remote;

    internal ScannableFingerprint(uint version, byte[] local, byte[] remote)
    {
        Version = version;
        _local = local;
        _remote = remote;
    }

    public uint Version { get; }

    public byte[] Serialize() => new CombinedFingerprintsProto
    {
        Version = Version,
        LocalFingerprint = new LogicalFingerprintProto { Content = ByteString.CopyFrom(_local) },
        RemoteFingerprint = new LogicalFingerprintProto { Content = ByteString.CopyFrom(_remote) },
    }.ToByteArray();

    /// <summary>True when the scanned code is the peer's view of the same pair of identities.</summary>
    /// <exception cref="UnsupportedVersionException">The scanned code is of another version.</exception>
    /// <exception cref="InvalidMessageException">The scanned bytes do not parse.</exception>
    public bool Matches(byte[] scanned)
    {
        var theirs = Records.Parse(CombinedFingerprintsProto.Parser, scanned, "scanned fingerprint");
        if (theirs.Version != Version)
        {
            throw new UnsupportedVersionException($"The scanned fingerprint is version {theirs.Version}; ours is version {Version}.");
        }
        if (theirs.LocalFingerprint?.HasContent != true || theirs.RemoteFingerprint?.HasContent != true)
        {
            throw new InvalidMessageException("The scanned fingerprint lacks a digest.");
        }
        var sameRemote = Hashes.FixedTimeEquals(theirs.LocalFingerprint.Content.Span, _remote);
        var sameLocal = Hashes.FixedTimeEquals(theirs.RemoteFingerprint.Content.Span, _local);
        return sameRemote & sameLocal;
    }
}
