using Parley.Crypto.Sessions;
using Parley.Crypto.Tests.Interop.Libsignal;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

/// <summary>PQXDH key agreement compared key by key with the session records libsignal exports.</summary>
[Collection("libsignal")]
public sealed class PqxdhInteropTests(LibsignalHarness libsignal)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task For_libsignals_base_key_and_Kyber_ciphertext_Parley_derives_the_same_root_chain_and_SPQR_keys(bool oneTimePreKey)
    {
        var alice = await LibsignalParty.CreateAsync(libsignal, "ls-alice");
        var bob = ParleyParty.Create("parley-bob");
        var bundle = await bob.PublishBundleAsync(oneTimePreKey);
        await alice.ProcessBundleAsync(bob.Address, bundle);
        var exported = LsRecord.Parser.ParseFrom(await alice.SessionRecordAsync(bob.Address)).CurrentSession;

        // libsignal's inputs: Alice's base key and her Kyber ciphertext to Bob's Kyber prekey.
        var baseKey = PublicKey.Deserialize(exported.AliceBaseKey.Span);
        Assert.Equal(exported.PendingPreKey.BaseKey, exported.AliceBaseKey);
        Assert.Equal(bundle.KyberPreKeyId, exported.PendingKyberPreKey.PreKeyId);
        var kyberCiphertext = exported.PendingKyberPreKey.Ciphertext.ToByteArray();
        Assert.Equal(1 + 1568, kyberCiphertext.Length);
        Assert.Equal(0x08, kyberCiphertext[0]);

        var signed = await bob.Store.LoadSignedPreKeyAsync(bundle.SignedPreKeyId);
        var kyber = await bob.Store.LoadKyberPreKeyAsync(bundle.KyberPreKeyId);
        var oneTime = bundle.PreKeyId is { } id ? await bob.Store.LoadPreKeyAsync(id) : null;
        var secrets = Pqxdh.Accept(bob.Identity, signed!.KeyPair, oneTime?.KeyPair, kyber!.KeyPair, alice.IdentityKey, baseKey, kyberCiphertext);

        // Chain key: libsignal's Alice receives on Bob's signed prekey with exactly PQXDH's chain key.
        var onSignedPreKey = Assert.Single(exported.ReceiverChains);
        Assert.Equal(bundle.SignedPreKey.Serialize(), onSignedPreKey.SenderRatchetKey.ToByteArray());
        Assert.Equal(0u, onSignedPreKey.ChainKey.Index);
        Assert.Equal(onSignedPreKey.ChainKey.Key.ToByteArray(), secrets.ChainKey);

        // Root key: libsignal stored the root after Alice's first sending step; Bob reaches the same one
        // from PQXDH's root key and Alice's sending ratchet key.
        var aliceRatchet = PublicKey.Deserialize(exported.SenderChain.SenderRatchetKey.Span);
        var (root, sendingChain) = RatchetKeys.RootStep(secrets.RootKey, signed.KeyPair.PrivateKey, aliceRatchet);
        Assert.Equal(exported.RootKey.ToByteArray(), root);
        Assert.Equal(exported.SenderChain.ChainKey.Key.ToByteArray(), sendingChain);

        // SPQR's authentication key, the third 32 bytes of PQXDH's output.
        var pqState = LsPqRatchetState.Parser.ParseFrom(exported.PqRatchetState);
        Assert.Equal(pqState.VersionNegotiation.AuthKey.ToByteArray(), secrets.PqAuthKey);
    }

    [Fact]
    public async Task For_Parleys_base_key_and_Kyber_ciphertext_libsignal_derives_the_same_root_and_chain_keys()
    {
        var bob = await LibsignalParty.CreateAsync(libsignal, "ls-bob");
        var alice = ParleyParty.Create("parley-alice");
        var (bundle, _) = await bob.BundleAsync();
        await alice.BuilderFor(bob.Address).ProcessAsync(bundle);
        var aliceState = (await alice.Store.LoadSessionAsync(bob.Address))!.Current!;
        var aliceRoot = aliceState.RootKey;
        var aliceSending = aliceState.SenderChain;

        var first = await alice.CipherFor(bob.Address).EncryptAsync(Utf8("first"));
        Assert.Equal(Utf8("first"), await bob.DecryptAsync(alice.Address, first));
        var exported = LsRecord.Parser.ParseFrom(await bob.SessionRecordAsync(alice.Address)).CurrentSession;

        Assert.Equal(aliceState.AliceBaseKey.Serialize(), exported.AliceBaseKey.ToByteArray());
        // libsignal's Bob received on Alice's sending chain: after message 0 it sits at index 1.
        var onAliceRatchet = Assert.Single(exported.ReceiverChains);
        Assert.Equal(aliceSending.RatchetKey.Serialize(), onAliceRatchet.SenderRatchetKey.ToByteArray());
        Assert.Equal(1u, onAliceRatchet.ChainKey.Index);
        Assert.Equal(RatchetKeys.NextChainKey(aliceSending.ChainKey), onAliceRatchet.ChainKey.Key.ToByteArray());

        // Bob then ratcheted with a fresh key; from Alice's root, that key gives libsignal's root and chain.
        var bobRatchetPrivate = PrivateKey.Deserialize(exported.SenderChain.SenderRatchetKeyPrivate.Span);
        var (root, chain) = RatchetKeys.RootStep(aliceRoot, bobRatchetPrivate, aliceSending.RatchetKey);
        Assert.Equal(exported.RootKey.ToByteArray(), root);
        Assert.Equal(exported.SenderChain.ChainKey.Key.ToByteArray(), chain);
    }

    [Fact]
    public async Task Parley_loads_libsignals_Kyber_secret_keys_and_both_ends_of_the_KEM_agree()
    {
        var bob = await LibsignalParty.CreateAsync(libsignal, "ls-bob");
        var (bundle, secretKey) = await bob.BundleAsync();
        var pair = KemKeyPair.FromSecretKey(secretKey);

        Assert.Equal(bundle.KyberPreKey, pair.PublicKey);
        var (secret, ciphertext) = bundle.KyberPreKey.Encapsulate();
        Assert.Equal(secret, pair.Decapsulate(ciphertext));
    }
}
