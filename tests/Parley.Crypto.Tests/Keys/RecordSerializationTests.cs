using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Keys;

public sealed class RecordSerializationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_bundle_survives_the_key_directory_and_still_starts_a_session(bool oneTimePreKey)
    {
        var alice = ParleyParty.Create("alice");
        var bob = ParleyParty.Create("bob", deviceId: 3);
        var published = await bob.PublishBundleAsync(oneTimePreKey);
        var bytes = published.Serialize();
        var fetched = PreKeyBundle.Deserialize(bytes);

        Assert.InRange(bytes.Length, oneTimePreKey ? 1_800 : 1_760, oneTimePreKey ? 1_850 : 1_800);
        Assert.Equal(published.PreKeyId, fetched.PreKeyId);
        Assert.Equal(published.KyberPreKey, fetched.KyberPreKey);
        Assert.Equal(3u, fetched.DeviceId);
        Assert.True(fetched.HasValidSignatures());
        await alice.BuilderFor(bob.Address).ProcessAsync(fetched);
        Assert.Equal(Utf8("via the directory"), await bob.CipherFor(alice.Address).DecryptAsync(await alice.CipherFor(bob.Address).EncryptAsync(Utf8("via the directory"))));
    }

    [Fact]
    public void Identity_and_prekey_records_round_trip()
    {
        var identity = IdentityKeyPair.Generate();
        var identityCopy = IdentityKeyPair.Deserialize(identity.Serialize());
        Assert.Equal(identity.IdentityKey, identityCopy.IdentityKey);
        Assert.Equal(identity.PrivateKey.Serialize(), identityCopy.PrivateKey.Serialize());

        var signed = SignedPreKeyRecord.Generate(42, identity, DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123));
        var signedCopy = SignedPreKeyRecord.Deserialize(signed.Serialize());
        Assert.Equal((42u, signed.Timestamp, signed.KeyPair.PublicKey), (signedCopy.Id, signedCopy.Timestamp, signedCopy.KeyPair.PublicKey));
        Assert.True(identity.IdentityKey.VerifySignature(signedCopy.KeyPair.PublicKey.Serialize(), signedCopy.Signature));

        var batch = PreKeyRecord.GenerateBatch(uint.MaxValue - 1, 3);
        Assert.Equal([uint.MaxValue - 1, uint.MaxValue, 0u], batch.Select(p => p.Id));
        var preKeyCopy = PreKeyRecord.Deserialize(batch[0].Serialize());
        Assert.Equal(batch[0].KeyPair.PublicKey, preKeyCopy.KeyPair.PublicKey);
    }

    [Fact]
    public void Mismatched_or_garbled_records_are_refused()
    {
        var identity = IdentityKeyPair.Generate();
        var other = IdentityKeyPair.Generate();
        var mixed = new IdentityKeyPair(identity.IdentityKey, other.PrivateKey);

        Assert.Throws<InvalidKeyException>(() => IdentityKeyPair.Deserialize(mixed.Serialize()));
        Assert.Throws<InvalidMessageException>(() => PreKeyBundle.Deserialize([0xFF, 0x01]));
        Assert.Throws<InvalidKeyException>(() => PublicKey.Deserialize([0x06, .. new byte[32]]));
        Assert.Throws<InvalidKeyException>(() => PrivateKey.Deserialize(new byte[31]));
    }
}
