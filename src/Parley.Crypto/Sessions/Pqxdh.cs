using Parley.Crypto.Primitives;

namespace Parley.Crypto.Sessions;

/// <summary>
/// PQXDH key agreement (Signal's PQXDH, revision 3, with Curve25519, SHA-256 and Kyber1024), laid out
/// byte for byte as libsignal 0.103 does it.
/// </summary>
/// <remarks>
/// Input key material: 32 bytes of 0xFF || DH(IK_A, SPK_B) || DH(EK_A, IK_B) || DH(EK_A, SPK_B)
/// [|| DH(EK_A, OPK_B)] || Kyber shared secret. Output: HKDF-SHA256 with no salt and info
/// "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024" to 96 bytes: root key, chain key, and the
/// authentication key that seeds the post-quantum ratchet.
/// </remarks>
internal static class Pqxdh
{
    private static readonly byte[] Label = "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024"u8.ToArray();

    internal sealed record Secrets(byte[] RootKey, byte[] ChainKey, byte[] PqAuthKey);

    /// <summary>The initiator's side (Alice): returns the secrets and the serialized Kyber ciphertext.</summary>
    internal static (Secrets Secrets, byte[] KyberCiphertext) Initiate(
        IdentityKeyPair ourIdentity,
        KeyPair ourBaseKey,
        IdentityKey theirIdentity,
        PublicKey theirSignedPreKey,
        PublicKey? theirOneTimePreKey,
        KemPublicKey theirKyberPreKey)
    {
        var (kyberSecret, kyberCiphertext) = theirKyberPreKey.Encapsulate();
        var parts = new List<byte[]>
        {
            Discontinuity(),
            ourIdentity.PrivateKey.Agree(theirSignedPreKey),
            ourBaseKey.PrivateKey.Agree(theirIdentity.PublicKey),
            ourBaseKey.PrivateKey.Agree(theirSignedPreKey),
        };
        if (theirOneTimePreKey is not null)
        {
            parts.Add(ourBaseKey.PrivateKey.Agree(theirOneTimePreKey));
        }
        parts.Add(kyberSecret);
        return (Derive(parts), kyberCiphertext);
    }

    /// <summary>The recipient's side (Bob).</summary>
    internal static Secrets Accept(
        IdentityKeyPair ourIdentity,
        KeyPair ourSignedPreKey,
        KeyPair? ourOneTimePreKey,
        KemKeyPair ourKyberPreKey,
        IdentityKey theirIdentity,
        PublicKey theirBaseKey,
        byte[] kyberCiphertext)
    {
        if (!theirBaseKey.IsCanonical)
        {
            throw new InvalidMessageException("The PreKeySignalMessage's base key is not canonically encoded.");
        }
        var parts = new List<byte[]> { Discontinuity() };
        try
        {
            parts.Add(ourSignedPreKey.PrivateKey.Agree(theirIdentity.PublicKey));
            parts.Add(ourIdentity.PrivateKey.Agree(theirBaseKey));
            parts.Add(ourSignedPreKey.PrivateKey.Agree(theirBaseKey));
            if (ourOneTimePreKey is not null)
            {
                parts.Add(ourOneTimePreKey.PrivateKey.Agree(theirBaseKey));
            }
        }
        catch (InvalidKeyException e)
        {
            throw new InvalidMessageException("The PreKeySignalMessage carries an unusable identity or base key.", e);
        }
        parts.Add(ourKyberPreKey.Decapsulate(kyberCiphertext));
        return Derive(parts);
    }

    private static byte[] Discontinuity()
    {
        var bytes = new byte[32];
        Array.Fill(bytes, (byte)0xFF);
        return bytes;
    }

    private static Secrets Derive(List<byte[]> parts)
    {
        var ikm = parts.SelectMany(p => p).ToArray();
        foreach (var part in parts)
        {
            Array.Clear(part);
        }
        var output = Hkdf.DeriveSha256(ikm, null, Label, 96);
        Array.Clear(ikm);
        return new Secrets(output[..32], output[32..64], output[64..96]);
    }
}
