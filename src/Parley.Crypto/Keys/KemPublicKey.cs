using Parley.Crypto.Primitives;

namespace Parley.Crypto;

/// <summary>A Kyber1024 public key, serialized as libsignal does: type byte 0x08, then 1568 bytes.</summary>
public sealed class KemPublicKey : IEquatable<KemPublicKey>
{
    /// <summary>libsignal's type byte for Kyber1024 (CRYSTALS-Kyber round 3).</summary>
    public const byte TypeByte = 0x08;

    public const int SerializedLength = 1 + Kyber1024.PublicKeyLength;

    private readonly byte[] _key;

    internal KemPublicKey(byte[] key) => _key = key;

    /// <exception cref="InvalidKeyException">Wrong type byte or length.</exception>
    public static KemPublicKey Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length == 0 || serialized[0] != TypeByte)
        {
            throw new InvalidKeyException("Not a Kyber1024 public key (type byte 0x08 expected).");
        }
        if (serialized.Length != SerializedLength)
        {
            throw new InvalidKeyException($"A serialized Kyber1024 public key is {SerializedLength} bytes, not {serialized.Length}.");
        }
        return new KemPublicKey(serialized[1..].ToArray());
    }

    public byte[] Serialize()
    {
        var result = new byte[SerializedLength];
        result[0] = TypeByte;
        _key.CopyTo(result, 1);
        return result;
    }

    /// <summary>Encapsulates a fresh shared secret to this key.</summary>
    /// <returns>The 32-byte shared secret and the serialized ciphertext (0x08 || 1568 bytes).</returns>
    public (byte[] SharedSecret, byte[] SerializedCiphertext) Encapsulate()
    {
        var (secret, ciphertext) = Kyber1024.Encapsulate(_key);
        var serialized = new byte[1 + ciphertext.Length];
        serialized[0] = TypeByte;
        ciphertext.CopyTo(serialized, 1);
        return (secret, serialized);
    }

    public bool Equals(KemPublicKey? other) => other is not null && _key.AsSpan().SequenceEqual(other._key);

    public override bool Equals(object? obj) => obj is KemPublicKey other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(_key, 0);
}
