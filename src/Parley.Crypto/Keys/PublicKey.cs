using Parley.Crypto.Primitives;

namespace Parley.Crypto;

/// <summary>A Curve25519 public key. Serialized as libsignal does: type byte 0x05, then the 32-byte
/// Montgomery u-coordinate.</summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    /// <summary>The type byte of a Curve25519 key.</summary>
    public const byte TypeByte = 0x05;

    /// <summary>Length of <see cref="Serialize"/>'s output.</summary>
    public const int SerializedLength = 33;

    private readonly byte[] _u;

    private PublicKey(byte[] u) => _u = u;

    internal static PublicKey FromRawBytes(ReadOnlySpan<byte> u)
    {
        if (u.Length != Curve25519.KeyLength)
        {
            throw new InvalidKeyException($"A Curve25519 public key is 32 bytes, not {u.Length}.");
        }
        return new PublicKey(u.ToArray());
    }

    /// <summary>Parses <c>0x05 || u</c>. Like libsignal, bytes after the 33rd are ignored.</summary>
    /// <exception cref="InvalidKeyException">Wrong type byte or too short.</exception>
    public static PublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < SerializedLength)
        {
            throw new InvalidKeyException($"A serialized public key is {SerializedLength} bytes, not {serialized.Length}.");
        }
        if (serialized[0] != TypeByte)
        {
            throw new InvalidKeyException($"Unknown public key type 0x{serialized[0]:x2}.");
        }
        return new PublicKey(serialized.Slice(1, Curve25519.KeyLength).ToArray());
    }

    /// <summary>The 32-byte u-coordinate, without the type byte.</summary>
    public ReadOnlySpan<byte> PublicKeyBytes => _u;

    /// <summary>True when u is below the field prime (the encoding libsignal requires of a base key).</summary>
    public bool IsCanonical => Curve25519.IsCanonical(_u);

    public byte[] Serialize()
    {
        var result = new byte[SerializedLength];
        result[0] = TypeByte;
        _u.CopyTo(result, 1);
        return result;
    }

    /// <summary>Verifies an XEdDSA signature made by the matching private key.</summary>
    public bool VerifySignature(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Curve25519.Verify(_u, message, signature);

    public bool Equals(PublicKey? other) => other is not null && _u.AsSpan().SequenceEqual(other._u);

    public override bool Equals(object? obj) => obj is PublicKey other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(_u, 0);

    public override string ToString() => Convert.ToHexStringLower(_u);
}
