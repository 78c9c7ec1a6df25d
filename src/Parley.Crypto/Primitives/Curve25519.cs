using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Math.EC.Rfc8032;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Parley.Crypto.Primitives;

/// <summary>
/// X25519 agreement and XEdDSA signatures over Curve25519, built only on BouncyCastle's public
/// RFC 7748 and RFC 8032 code.
/// </summary>
/// <remarks>
/// <para>XEdDSA signs with the Montgomery private key k as the Ed25519 scalar. BouncyCastle's
/// <see cref="Ed25519.ExpandedKey"/> API signs with a caller-supplied expanded key (scalar || nonce
/// prefix) and prunes the scalar exactly as X25519 clamps it, so a clamped k passes through unchanged:
/// the point arithmetic, the scalar arithmetic mod the group order and their constant-time behaviour
/// are BouncyCastle's. Nothing here does curve arithmetic by hand.</para>
/// <para>Signatures follow libsignal's variant of XEdDSA: the key is not negated to force a zero sign
/// bit; instead the sign of the Edwards public key travels in bit 7 of the signature's last byte (the
/// scalar S is below 2^253, so that bit is free). Verification accepts both that form and the
/// spec's (sign bit zero).</para>
/// <para>Nonce: the spec derives r = SHA-512(0xFE || 0xFF*31 || a || M || Z). This code derives a
/// secret prefix P = SHA-512(0xFE || 0xFF*31 || k || Z)[0..32] from the key and 64 fresh random bytes,
/// and RFC 8032 signing then takes r = SHA-512(P || M). r stays secret and unpredictable (keyed by k
/// and fresh randomness, hedged against a weak RNG by k), and no verifier can tell the difference.</para>
/// </remarks>
internal static class Curve25519
{
    internal const int KeyLength = 32;
    internal const int SignatureLength = 64;

    private static readonly BigInteger FieldPrime = BigInteger.One.ShiftLeft(255).Subtract(BigInteger.ValueOf(19));

    internal static byte[] GeneratePrivateKey()
    {
        var k = new byte[KeyLength];
        X25519.GeneratePrivateKey(RandomSource.Instance, k);
        Clamp(k);
        return k;
    }

    /// <summary>Clamps a scalar in place, as RFC 7748 decodes it.</summary>
    internal static void Clamp(Span<byte> k)
    {
        k[0] &= 0xF8;
        k[31] &= 0x7F;
        k[31] |= 0x40;
    }

    internal static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        var u = new byte[KeyLength];
        X25519.GeneratePublicKey(privateKey, u);
        return u;
    }

    /// <exception cref="InvalidKeyException">The peer's key is of small order (the result would be all zeros).</exception>
    internal static byte[] Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey)
    {
        var shared = new byte[KeyLength];
        if (!X25519.CalculateAgreement(privateKey, peerPublicKey, shared))
        {
            throw new InvalidKeyException("The peer's X25519 key is of small order.");
        }
        return shared;
    }

    /// <summary>Signs <paramref name="message"/> with the clamped Montgomery private key (XEdDSA, libsignal's form).</summary>
    internal static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[64];
        RandomSource.Instance.NextBytes(random);
        return Sign(privateKey, message, random);
    }

    internal static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random)
    {
        if (privateKey.Length != KeyLength || random.Length != 64)
        {
            throw new ArgumentException("XEdDSA needs a 32-byte private key and 64 random bytes.");
        }
        Span<byte> expanded = stackalloc byte[Ed25519.ExpandedKey.ExpandedKeySize];
        try
        {
            privateKey.CopyTo(expanded);
            Clamp(expanded[..KeyLength]);

            var prefixHash = Hashes.Sha512(NonceDomain, expanded[..KeyLength].ToArray(), random.ToArray());
            prefixHash.AsSpan(0, 32).CopyTo(expanded[KeyLength..]);
            Array.Clear(prefixHash);

            Span<byte> edwardsPublic = stackalloc byte[Ed25519.PublicKeySize];
            Ed25519.ExpandedKey.GeneratePublicKey(expanded, edwardsPublic);

            var signature = new byte[SignatureLength];
            Ed25519.ExpandedKey.Sign(expanded, edwardsPublic, message, signature);
            signature[63] = (byte)((signature[63] & 0x7F) | (edwardsPublic[31] & 0x80));
            return signature;
        }
        finally
        {
            expanded.Clear();
        }
    }

    /// <summary>Verifies an XEdDSA signature against a Montgomery public key u (32 bytes).</summary>
    internal static bool Verify(ReadOnlySpan<byte> montgomeryU, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (montgomeryU.Length != KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }
        var edwardsPublic = EdwardsYFromMontgomeryU(montgomeryU);
        if (edwardsPublic is null)
        {
            return false;
        }
        edwardsPublic[31] |= (byte)(signature[63] & 0x80);

        var ed25519Signature = signature.ToArray();
        ed25519Signature[63] &= 0x7F;
        return Ed25519.Verify(ed25519Signature, edwardsPublic, message);
    }

    /// <summary>True when the little-endian u is below the field prime 2^255 - 19.</summary>
    internal static bool IsCanonical(ReadOnlySpan<byte> montgomeryU) => FromLittleEndian(montgomeryU).CompareTo(FieldPrime) < 0;

    /// <summary>The birational map from Curve25519 to edwards25519: y = (u - 1) / (u + 1) mod p,
    /// encoded little-endian with the sign bit clear. Works on public data only.</summary>
    internal static byte[]? EdwardsYFromMontgomeryU(ReadOnlySpan<byte> montgomeryU)
    {
        var u = FromLittleEndian(montgomeryU);
        if (u.CompareTo(FieldPrime) >= 0)
        {
            return null;
        }
        var denominator = u.Add(BigInteger.One).Mod(FieldPrime);
        if (denominator.SignValue == 0)
        {
            return null;
        }
        var y = u.Subtract(BigInteger.One).Mod(FieldPrime).Multiply(denominator.ModInverse(FieldPrime)).Mod(FieldPrime);
        return ToLittleEndian(y);
    }

    private static readonly byte[] NonceDomain = CreateNonceDomain();

    private static byte[] CreateNonceDomain()
    {
        var domain = new byte[32];
        Array.Fill(domain, (byte)0xFF);
        domain[0] = 0xFE;
        return domain;
    }

    private static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes)
    {
        var bigEndian = bytes.ToArray();
        Array.Reverse(bigEndian);
        return new BigInteger(1, bigEndian);
    }

    private static byte[] ToLittleEndian(BigInteger value)
    {
        var bigEndian = value.ToByteArrayUnsigned();
        var result = new byte[KeyLength];
        for (var i = 0; i < bigEndian.Length; i++)
        {
            result[i] = bigEndian[bigEndian.Length - 1 - i];
        }
        return result;
    }
}
