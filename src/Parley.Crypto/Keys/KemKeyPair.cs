using Parley.Crypto.Primitives;

namespace Parley.Crypto;

/// <summary>A Kyber1024 key pair. The secret key is kept in the 3168-byte expanded encoding shared
/// by Kyber round 3 and ML-KEM (the same bytes libsignal serializes after its 0x08 type byte).</summary>
public sealed class KemKeyPair
{
    private readonly byte[] _secretKey;

    private KemKeyPair(KemPublicKey publicKey, byte[] secretKey)
    {
        PublicKey = publicKey;
        _secretKey = secretKey;
    }

    public KemPublicKey PublicKey { get; }

    public static KemKeyPair Generate()
    {
        var (publicKey, secretKey) = Kyber1024.GenerateKeyPair();
        return new KemKeyPair(new KemPublicKey(publicKey), secretKey);
    }

    /// <summary>Loads a secret key: 0x08 || 3168 bytes (libsignal's serialization) or the bare 3168 bytes.</summary>
    /// <exception cref="InvalidKeyException">Wrong type byte, length or internal consistency.</exception>
    public static KemKeyPair FromSecretKey(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length == 1 + Kyber1024.SecretKeyLength)
        {
            if (serialized[0] != KemPublicKey.TypeByte)
            {
                throw new InvalidKeyException("Not a Kyber1024 secret key (type byte 0x08 expected).");
            }
            serialized = serialized[1..];
        }
        if (serialized.Length != Kyber1024.SecretKeyLength)
        {
            throw new InvalidKeyException($"A Kyber1024 secret key is {Kyber1024.SecretKeyLength} bytes, not {serialized.Length}.");
        }
        var secretKey = serialized.ToArray();
        byte[] publicKey;
        try
        {
            publicKey = Kyber1024.PublicKeyOfSecretKey(secretKey);
        }
        catch (ArgumentException e)
        {
            throw new InvalidKeyException("The Kyber1024 secret key is inconsistent.", e);
        }
        return new KemKeyPair(new KemPublicKey(publicKey), secretKey);
    }

    /// <summary>0x08 || the 3168-byte secret key.</summary>
    public byte[] SerializeSecretKey()
    {
        var result = new byte[1 + _secretKey.Length];
        result[0] = KemPublicKey.TypeByte;
        _secretKey.CopyTo(result, 1);
        return result;
    }

    /// <summary>Recovers the shared secret from a serialized ciphertext (0x08 || 1568 bytes).</summary>
    /// <exception cref="InvalidMessageException">The ciphertext has the wrong type byte or length.</exception>
    public byte[] Decapsulate(ReadOnlySpan<byte> serializedCiphertext)
    {
        if (serializedCiphertext.Length != 1 + Kyber1024.CiphertextLength || serializedCiphertext[0] != KemPublicKey.TypeByte)
        {
            throw new InvalidMessageException("Not a Kyber1024 ciphertext (0x08 followed by 1568 bytes expected).");
        }
        return Kyber1024.Decapsulate(_secretKey, serializedCiphertext[1..].ToArray());
    }
}
