using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Parley.Crypto.Primitives;

namespace Parley.Crypto.Tests.Keys;

public sealed class Kyber1024Tests
{
    [Fact]
    public void Encapsulation_and_decapsulation_agree_and_sizes_are_libsignals()
    {
        var pair = KemKeyPair.Generate();
        var (secret, ciphertext) = pair.PublicKey.Encapsulate();

        Assert.Equal(1569, pair.PublicKey.Serialize().Length);
        Assert.Equal(1569, ciphertext.Length);
        Assert.Equal(0x08, ciphertext[0]);
        Assert.Equal(3169, pair.SerializeSecretKey().Length);
        Assert.Equal(32, secret.Length);
        Assert.Equal(secret, pair.Decapsulate(ciphertext));
        Assert.Equal(secret, KemKeyPair.FromSecretKey(pair.SerializeSecretKey()).Decapsulate(ciphertext));
    }

    [Fact]
    public void The_shared_secret_is_round_3s_KDF_over_the_ML_KEM_secret_not_the_ML_KEM_secret_itself()
    {
        var pair = KemKeyPair.Generate();
        var (secret, ciphertext) = pair.PublicKey.Encapsulate();

        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_1024);
        decapsulator.Init(MLKemPrivateKeyParameters.FromEncoding(MLKemParameters.ml_kem_1024, pair.SerializeSecretKey()[1..]));
        var mlKemSecret = new byte[32];
        decapsulator.Decapsulate(ciphertext.AsSpan(1), mlKemSecret);

        Assert.NotEqual(mlKemSecret, secret);
        Assert.Equal(Hashes.Shake256(mlKemSecret, Hashes.Sha3_256(ciphertext[1..]), 32), secret);
    }

    [Fact]
    public void A_tampered_ciphertext_yields_an_unrelated_secret_not_an_error()
    {
        var pair = KemKeyPair.Generate();
        var (secret, ciphertext) = pair.PublicKey.Encapsulate();
        ciphertext[100] ^= 0x01;

        Assert.NotEqual(secret, pair.Decapsulate(ciphertext));
        Assert.Throws<InvalidMessageException>(() => pair.Decapsulate(ciphertext[..100]));
        Assert.Throws<InvalidKeyException>(() => KemPublicKey.Deserialize(ciphertext[..100]));
    }

    [Fact]
    public void Kyber_prekey_records_round_trip_and_verify()
    {
        var identity = IdentityKeyPair.Generate();
        var record = KyberPreKeyRecord.Generate(7, identity, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), isLastResort: true);
        var copy = KyberPreKeyRecord.Deserialize(record.Serialize());

        Assert.Equal(7u, copy.Id);
        Assert.True(copy.IsLastResort);
        Assert.Equal(record.Timestamp, copy.Timestamp);
        Assert.Equal(record.KeyPair.PublicKey, copy.KeyPair.PublicKey);
        Assert.True(identity.IdentityKey.VerifySignature(copy.KeyPair.PublicKey.Serialize(), copy.Signature));
    }
}
