namespace Parley.Crypto;

/// <summary>A device's long-term public identity key (a Curve25519 key that also verifies XEdDSA signatures).</summary>
public sealed class IdentityKey : IEquatable<IdentityKey>
{
    public IdentityKey(PublicKey publicKey) => PublicKey = publicKey;

    public PublicKey PublicKey { get; }

    public static IdentityKey Deserialize(ReadOnlySpan<byte> serialized) => new(Crypto.PublicKey.Deserialize(serialized));

    /// <summary>33 bytes: 0x05 || u.</summary>
    public byte[] Serialize() => PublicKey.Serialize();

    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        PublicKey.VerifySignature(message, signature);

    public bool Equals(IdentityKey? other) => other is not null && PublicKey.Equals(other.PublicKey);

    public override bool Equals(object? obj) => obj is IdentityKey other && Equals(other);

    public override int GetHashCode() => PublicKey.GetHashCode();

    public override string ToString() => PublicKey.ToString();
}
