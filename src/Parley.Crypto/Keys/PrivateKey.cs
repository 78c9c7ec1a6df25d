using Parley.Crypto.Primitives;

namespace Parley.Crypto;

/// <summary>A Curve25519 private key: 32 bytes, clamped on creation and on load (as libsignal does).
/// It agrees (X25519) and signs (XEdDSA).</summary>
public sealed class PrivateKey
{
    public const int SerializedLength = 32;

    private readonly byte[] _k;

    private PrivateKey(byte[] k)
    {
        Curve25519.Clamp(k);
        _k = k;
    }

    public static PrivateKey Generate() => new(Curve25519.GeneratePrivateKey());

    /// <exception cref="InvalidKeyException">Not 32 bytes.</exception>
    public static PrivateKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length != SerializedLength)
        {
            throw new InvalidKeyException($"A private key is {SerializedLength} bytes, not {serialized.Length}.");
        }
        return new PrivateKey(serialized.ToArray());
    }

    public byte[] Serialize() => (byte[])_k.Clone();

    public PublicKey GetPublicKey() => PublicKey.FromRawBytes(Curve25519.PublicKeyOf(_k));

    /// <summary>X25519 agreement with a peer's public key.</summary>
    /// <exception cref="InvalidKeyException">The peer's key is of small order.</exception>
    public byte[] Agree(PublicKey theirs) => Curve25519.Agree(_k, theirs.PublicKeyBytes);

    /// <summary>An XEdDSA signature (64 bytes), verifiable by libsignal and by <see cref="PublicKey.VerifySignature"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Curve25519.Sign(_k, message);
}
