using Parley.Crypto.Primitives;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Keys;

public sealed class XEdDsaTests
{
    // libsignal's published Curve25519 test vectors (java/.../ecc/Curve25519Test.java).
    private const string AliceIdentityPublic = "05ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64";
    private const string AliceEphemeralPublic = "05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a";
    private const string AliceSignature = "5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfbede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88";

    [Fact]
    public void Libsignal_published_signature_vector_verifies_and_every_flipped_bit_fails()
    {
        var key = PublicKey.Deserialize(Hex(AliceIdentityPublic));
        var message = Hex(AliceEphemeralPublic);
        var signature = Hex(AliceSignature);

        Assert.True(key.VerifySignature(message, signature));
        for (var bit = 0; bit < 512; bit++)
        {
            var tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.VerifySignature(message, tampered), $"flipped bit {bit} still verified");
        }
    }

    [Fact]
    public void Libsignal_published_X25519_vector_agrees()
    {
        var alicePrivate = PrivateKey.Deserialize(Hex("c806439dc9d2c476ffed8f2580c0888d58ab406bf7ae3698879021b96bb4bf59"));
        var bobPrivate = PrivateKey.Deserialize(Hex("b03b34c33a1c44f225b662d2bf4859b8135411fa7b0386d45fb75dc5b91b4466"));
        var alicePublic = PublicKey.Deserialize(Hex("051bb75966f2e93a3691dfff942bb2a466a1c08b8d78ca3f4d6df8b8bfa2e4ee28"));
        var bobPublic = PublicKey.Deserialize(Hex("05653614993d2b15ee9e5fd3d86ce719ef4ec1daae1886a87b3f5fa9565a27a22f"));
        var shared = Hex("325f239328941ced6e673b86ba41017448e99b649a9c3806c1dd7ca4c477e629");

        Assert.Equal(alicePublic, alicePrivate.GetPublicKey());
        Assert.Equal(bobPublic, bobPrivate.GetPublicKey());
        Assert.Equal(shared, alicePrivate.Agree(bobPublic));
        Assert.Equal(shared, bobPrivate.Agree(alicePublic));
    }

    [Theory]
    // RFC 8032 section 7.1, TEST 1 and TEST 2: (public key, message, signature).
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void RFC8032_vectors_verify_through_the_Montgomery_form(string edwardsPublicHex, string messageHex, string signatureHex)
    {
        // An Ed25519 key seen as its Montgomery u, with the Edwards sign bit moved into the signature:
        // this exercises the u-to-y map against an external vector.
        var edwards = Hex(edwardsPublicHex);
        var u = MontgomeryUFromEdwards(edwards);
        var signature = Hex(signatureHex);
        signature[63] |= (byte)(edwards[31] & 0x80);
        var key = PublicKey.Deserialize([PublicKey.TypeByte, .. u]);

        Assert.True(key.VerifySignature(Hex(messageHex), signature));
        signature[10] ^= 1;
        Assert.False(key.VerifySignature(Hex(messageHex), signature));
    }

    [Fact]
    public void Signing_key_maps_to_the_same_Edwards_point_BouncyCastle_derives()
    {
        for (var i = 0; i < 20; i++)
        {
            var key = PrivateKey.Generate();
            var expanded = new byte[64];
            key.Serialize().CopyTo(expanded, 0);
            var edwards = new byte[32];
            Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.ExpandedKey.GeneratePublicKey(expanded, edwards);

            var y = Curve25519.EdwardsYFromMontgomeryU(key.GetPublicKey().PublicKeyBytes)!;
            edwards[31] &= 0x7F;
            Assert.Equal(edwards, y);
        }
    }

    [Fact]
    public void Signatures_are_randomized_and_bound_to_key_and_message()
    {
        var key = PrivateKey.Generate();
        var other = PrivateKey.Generate();
        var message = Utf8("hello");
        var first = key.Sign(message);
        var second = key.Sign(message);

        Assert.NotEqual(first, second);
        Assert.True(key.GetPublicKey().VerifySignature(message, first));
        Assert.True(key.GetPublicKey().VerifySignature(message, second));
        Assert.False(other.GetPublicKey().VerifySignature(message, first));
        Assert.False(key.GetPublicKey().VerifySignature(Utf8("hellp"), first));
        Assert.False(key.GetPublicKey().VerifySignature(message, first[..63]));
    }

    [Fact]
    public void Verification_rejects_non_canonical_keys_and_the_point_minus_one()
    {
        var message = Utf8("m");
        var signature = PrivateKey.Generate().Sign(message);
        var minusOne = Hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        var aboveP = Hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

        Assert.False(Curve25519.Verify(minusOne, message, signature));
        Assert.False(Curve25519.Verify(aboveP, message, signature));
        Assert.False(PublicKey.Deserialize([PublicKey.TypeByte, .. aboveP]).IsCanonical);
    }

    /// <summary>u = (1 + y) / (1 - y) mod p, the inverse of the map the library uses (public data only).</summary>
    private static byte[] MontgomeryUFromEdwards(byte[] edwards)
    {
        var p = System.Numerics.BigInteger.Pow(2, 255) - 19;
        var yBytes = (byte[])edwards.Clone();
        yBytes[31] &= 0x7F;
        var y = new System.Numerics.BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        var numerator = (1 + y) % p;
        var denominator = ((1 - y) % p + p) % p;
        var u = numerator * System.Numerics.BigInteger.ModPow(denominator, p - 2, p) % p;
        var bytes = u.ToByteArray(isUnsigned: true, isBigEndian: false);
        var result = new byte[32];
        bytes.CopyTo(result, 0);
        return result;
    }
}
