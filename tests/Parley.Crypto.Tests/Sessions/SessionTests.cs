using Parley.Crypto.Messages;
using Parley.Crypto.Sessions;
using Parley.Crypto.Storage;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;
using static Parley.Crypto.Tests.Support.Conversation;

namespace Parley.Crypto.Tests.Sessions;

public sealed class SessionTests
{
    private readonly ParleyParty _alice = ParleyParty.Create("alice");
    private readonly ParleyParty _bob = ParleyParty.Create("bob");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task First_messages_are_prekey_messages_until_the_peer_replies(bool oneTimePreKey)
    {
        await _alice.BuilderFor(_bob.Address).ProcessAsync(await _bob.PublishBundleAsync(oneTimePreKey));

        var first = await SendAsync(_alice, _bob, "one");
        var second = await SendAsync(_alice, _bob, "two");
        Assert.IsType<PreKeySignalMessage>(first);
        Assert.IsType<PreKeySignalMessage>(second);
        Assert.Equal("two", await ReceiveAsync(_bob, _alice, second));
        Assert.Equal("one", await ReceiveAsync(_bob, _alice, first));

        var reply = await SendAsync(_bob, _alice, "three");
        Assert.IsType<SignalMessage>(reply);
        Assert.Equal("three", await ReceiveAsync(_alice, _bob, reply));
        Assert.IsType<SignalMessage>(await SendAsync(_alice, _bob, "four"));
    }

    [Fact]
    public async Task One_time_prekeys_are_consumed_and_a_replayed_first_message_is_refused()
    {
        await _alice.BuilderFor(_bob.Address).ProcessAsync(await _bob.PublishBundleAsync());
        var first = (PreKeySignalMessage)await SendAsync(_alice, _bob, "hello");
        Assert.Equal("hello", await ReceiveAsync(_bob, _alice, first));
        Assert.Null(await _bob.Store.LoadPreKeyAsync(first.PreKeyId!.Value));
        Assert.Null(await _bob.Store.LoadKyberPreKeyAsync(first.KyberPreKeyId));

        // While the session exists, the replay is recognised as a duplicate of a decrypted message.
        await Assert.ThrowsAsync<DuplicateMessageException>(() => ReceiveAsync(_bob, _alice, first));

        // Once the session is gone, the prekeys it names are gone too.
        await _bob.Store.DeleteSessionAsync(_alice.Address);
        await Assert.ThrowsAsync<InvalidKeyIdException>(() => ReceiveAsync(_bob, _alice, first));
    }

    [Fact]
    public async Task A_last_resort_Kyber_prekey_is_reused_but_never_twice_with_the_same_base_key()
    {
        var bundle = await _bob.PublishBundleAsync(oneTimePreKey: false, lastResortKyber: true);
        await _alice.BuilderFor(_bob.Address).ProcessAsync(bundle);
        var first = await SendAsync(_alice, _bob, "from alice");
        Assert.Equal("from alice", await ReceiveAsync(_bob, _alice, first));
        Assert.NotNull(await _bob.Store.LoadKyberPreKeyAsync(bundle.KyberPreKeyId));

        var carol = ParleyParty.Create("carol");
        await carol.BuilderFor(_bob.Address).ProcessAsync(bundle);
        Assert.Equal("from carol", await ReceiveAsync(_bob, carol, await SendAsync(carol, _bob, "from carol")));

        await _bob.Store.DeleteSessionAsync(_alice.Address);
        await Assert.ThrowsAsync<DuplicateMessageException>(() => ReceiveAsync(_bob, _alice, first));
    }

    [Fact]
    public async Task Out_of_order_messages_across_ratchet_steps_decrypt_exactly_once()
    {
        await EstablishAsync(_alice, _bob);
        var fromAlice = new List<CiphertextMessage>();
        var fromBob = new List<CiphertextMessage>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                fromAlice.Add(await SendAsync(_alice, _bob, $"a{round}{i}"));
                fromBob.Add(await SendAsync(_bob, _alice, $"b{round}{i}"));
            }
            // Deliver one message each way so both sides ratchet, keep the rest in flight.
            Assert.Equal($"a{round}0", await ReceiveAsync(_bob, _alice, fromAlice[round * 3]));
            Assert.Equal($"b{round}0", await ReceiveAsync(_alice, _bob, fromBob[round * 3]));
        }
        foreach (var i in new[] { 8, 1, 5, 2, 7, 4 })
        {
            Assert.Equal($"a{i / 3}{i % 3}", await ReceiveAsync(_bob, _alice, fromAlice[i]));
            Assert.Equal($"b{i / 3}{i % 3}", await ReceiveAsync(_alice, _bob, fromBob[i]));
        }
        foreach (var i in new[] { 0, 8, 4 })
        {
            await Assert.ThrowsAsync<DuplicateMessageException>(() => ReceiveAsync(_bob, _alice, fromAlice[i]));
            await Assert.ThrowsAsync<DuplicateMessageException>(() => ReceiveAsync(_alice, _bob, fromBob[i]));
        }
    }

    [Fact]
    public async Task Tampered_messages_fail_and_leave_the_session_able_to_decrypt_the_genuine_one()
    {
        await EstablishAsync(_alice, _bob);
        var message = (await SendAsync(_alice, _bob, "genuine")).Serialize();
        for (var position = 0; position < message.Length; position += 3)
        {
            var tampered = (byte[])message.Clone();
            tampered[position] ^= 0x04;
            await Assert.ThrowsAnyAsync<ProtocolException>(async () =>
                await _bob.CipherFor(_alice.Address).DecryptAsync(SignalMessage.Deserialize(tampered)));
        }
        var macFlipped = (byte[])message.Clone();
        macFlipped[^1] ^= 0x80;
        var error = await Assert.ThrowsAsync<InvalidMessageException>(async () => await _bob.CipherFor(_alice.Address).DecryptAsync(SignalMessage.Deserialize(macFlipped)));
        Assert.Contains("decrypt", error.Message);

        Assert.Equal(Utf8("genuine"), await _bob.CipherFor(_alice.Address).DecryptAsync(SignalMessage.Deserialize(message)));
    }

    [Fact]
    public async Task A_message_for_an_unknown_session_is_a_clear_error()
    {
        await EstablishAsync(_alice, _bob);
        var message = await SendAsync(_alice, _bob, "who are you");
        var stranger = ParleyParty.Create("stranger");

        var error = await Assert.ThrowsAsync<NoSessionException>(async () => await stranger.CipherFor(_alice.Address).DecryptAsync(message));
        Assert.Equal(_alice.Address, error.Address);
        await Assert.ThrowsAsync<NoSessionException>(async () => await stranger.CipherFor(_bob.Address).EncryptAsync(Utf8("x")));
    }

    [Fact]
    public async Task Sessions_survive_a_restart_through_their_serialized_records()
    {
        await EstablishAsync(_alice, _bob);
        var inFlight = await SendAsync(_alice, _bob, "sent before the restart");

        // Bob's device restarts: a new store built only from what a persistent store would hold.
        var record = SessionRecord.Deserialize((await _bob.Store.LoadSessionAsync(_alice.Address))!.Serialize());
        var restarted = new InMemoryProtocolStore(IdentityKeyPair.Deserialize(_bob.Identity.Serialize()), _bob.RegistrationId);
        await restarted.StoreSessionAsync(_alice.Address, record);
        await restarted.SaveIdentityAsync(_alice.Address, _alice.Identity.IdentityKey);
        var bobCipher = new SessionCipher(restarted, _alice.Address);

        Assert.Equal(Utf8("sent before the restart"), await bobCipher.DecryptAsync(inFlight));
        var reply = await bobCipher.EncryptAsync(Utf8("after the restart"));
        Assert.Equal("after the restart", await ReceiveAsync(_alice, _bob, reply));
    }

    [Fact]
    public async Task Each_device_of_a_peer_has_its_own_session()
    {
        var bobPhone = ParleyParty.Create("bob", deviceId: 1);
        var bobLaptop = ParleyParty.Create("bob", deviceId: 2);
        await EstablishAsync(_alice, bobPhone);
        await EstablishAsync(_alice, bobLaptop);

        Assert.Equal([1u, 2u], await _alice.Store.GetDeviceIdsAsync("bob"));
        var toPhone = await SendAsync(_alice, bobPhone, "to phone");
        var toLaptop = await SendAsync(_alice, bobLaptop, "to laptop");
        Assert.Equal("to phone", await ReceiveAsync(bobPhone, _alice, toPhone));
        Assert.Equal("to laptop", await ReceiveAsync(bobLaptop, _alice, toLaptop));
        await Assert.ThrowsAsync<InvalidMessageException>(() => ReceiveAsync(bobLaptop, _alice, toPhone));
    }

    [Fact]
    public async Task Simultaneous_starts_leave_two_sessions_that_converge_on_one()
    {
        await _alice.BuilderFor(_bob.Address).ProcessAsync(await _bob.PublishBundleAsync());
        await _bob.BuilderFor(_alice.Address).ProcessAsync(await _alice.PublishBundleAsync());
        var fromAlice = await SendAsync(_alice, _bob, "alice first");
        var fromBob = await SendAsync(_bob, _alice, "bob first");

        Assert.Equal("alice first", await ReceiveAsync(_bob, _alice, fromAlice));
        Assert.Equal("bob first", await ReceiveAsync(_alice, _bob, fromBob));
        Assert.Equal(2, (await _alice.Store.LoadSessionAsync(_bob.Address))!.SessionCount);

        // Each now sends on a different session; the archived one is found and promoted.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"a{i}", await ReceiveAsync(_bob, _alice, await SendAsync(_alice, _bob, $"a{i}")));
            Assert.Equal($"b{i}", await ReceiveAsync(_alice, _bob, await SendAsync(_bob, _alice, $"b{i}")));
        }
        var aliceCurrent = (await _alice.Store.LoadSessionAsync(_bob.Address))!.Current!.AliceBaseKey;
        var bobCurrent = (await _bob.Store.LoadSessionAsync(_alice.Address))!.Current!.AliceBaseKey;
        Assert.Equal(aliceCurrent, bobCurrent);
    }

    [Fact]
    public async Task After_a_peer_re_registers_the_new_identity_needs_approval_then_a_fresh_session_works()
    {
        await EstablishAsync(_alice, _bob);
        var newBob = ParleyParty.Create(_bob.Address.Name, _bob.Address.DeviceId);

        // Alice's old session is useless to the new device.
        var stale = await SendAsync(_alice, newBob, "to the old device");
        await Assert.ThrowsAsync<NoSessionException>(() => ReceiveAsync(newBob, _alice, stale));

        // The new device's bundle carries a new identity: refused until Alice accepts it.
        var bundle = await newBob.PublishBundleAsync();
        var untrusted = await Assert.ThrowsAsync<UntrustedIdentityException>(async () => await _alice.BuilderFor(newBob.Address).ProcessAsync(bundle));
        Assert.Equal(newBob.Identity.IdentityKey, untrusted.IdentityKey);
        Assert.True(await _alice.Store.SaveIdentityAsync(newBob.Address, untrusted.IdentityKey));
        await _alice.BuilderFor(newBob.Address).ProcessAsync(bundle);

        Assert.Equal("reset", await ReceiveAsync(newBob, _alice, await SendAsync(_alice, newBob, "reset")));
        Assert.Equal("works", await ReceiveAsync(_alice, newBob, await SendAsync(newBob, _alice, "works")));
        Assert.Equal(2, (await _alice.Store.LoadSessionAsync(newBob.Address))!.SessionCount);
    }

    [Fact]
    public async Task A_first_message_from_a_re_registered_peer_is_untrusted_until_approved()
    {
        await EstablishAsync(_alice, _bob);
        var newBob = ParleyParty.Create(_bob.Address.Name, _bob.Address.DeviceId);
        await newBob.BuilderFor(_alice.Address).ProcessAsync(await _alice.PublishBundleAsync());
        var first = await SendAsync(newBob, _alice, "I reinstalled");

        await Assert.ThrowsAsync<UntrustedIdentityException>(() => ReceiveAsync(_alice, newBob, first));
        await _alice.Store.SaveIdentityAsync(newBob.Address, newBob.Identity.IdentityKey);
        Assert.Equal("I reinstalled", await ReceiveAsync(_alice, newBob, first));
    }

    [Fact]
    public async Task A_bundle_with_a_bad_signature_is_refused()
    {
        var bundle = await _bob.PublishBundleAsync();
        var forgedSigned = new PreKeyBundle(bundle.RegistrationId, bundle.DeviceId, bundle.PreKeyId, bundle.PreKey, bundle.SignedPreKeyId,
            KeyPair.Generate().PublicKey, bundle.SignedPreKeySignature, bundle.IdentityKey, bundle.KyberPreKeyId, bundle.KyberPreKey, bundle.KyberPreKeySignature);
        var forgedKyber = new PreKeyBundle(bundle.RegistrationId, bundle.DeviceId, bundle.PreKeyId, bundle.PreKey, bundle.SignedPreKeyId,
            bundle.SignedPreKey, bundle.SignedPreKeySignature, bundle.IdentityKey, bundle.KyberPreKeyId, KemKeyPair.Generate().PublicKey, bundle.KyberPreKeySignature);

        Assert.True(bundle.HasValidSignatures());
        await Assert.ThrowsAsync<InvalidSignatureException>(async () => await _alice.BuilderFor(_bob.Address).ProcessAsync(forgedSigned));
        await Assert.ThrowsAsync<InvalidSignatureException>(async () => await _alice.BuilderFor(_bob.Address).ProcessAsync(forgedKyber));
        Assert.Null(await _alice.Store.LoadSessionAsync(_bob.Address));
    }

    [Fact]
    public async Task An_unacknowledged_session_goes_stale_after_thirty_days()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var alice = ParleyParty.Create("alice", time: clock);
        await alice.BuilderFor(_bob.Address).ProcessAsync(await _bob.PublishBundleAsync());
        await alice.CipherFor(_bob.Address).EncryptAsync(Utf8("anyone there?"));

        clock.Now += SessionLimits.MaxUnacknowledgedSessionAge + TimeSpan.FromMinutes(1);

        await Assert.ThrowsAsync<NoSessionException>(async () => await alice.CipherFor(_bob.Address).EncryptAsync(Utf8("hello?")));
    }

    [Fact]
    public async Task Jumps_beyond_the_limit_are_refused_and_skipped_keys_are_bounded()
    {
        await EstablishAsync(_alice, _bob);
        var sent = new List<CiphertextMessage>();
        for (var i = 0; i < 2_102; i++)
        {
            sent.Add(await SendAsync(_alice, _bob, $"m{i}"));
        }
        Assert.Equal("m2101", await ReceiveAsync(_bob, _alice, sent[2_101]));
        var chain = (await _bob.Store.LoadSessionAsync(_alice.Address))!.Current!.ReceiverChains[^1];
        Assert.Equal(SessionLimits.MaxSkippedKeysPerChain, chain.Skipped.Count);
        Assert.Equal("m101", await ReceiveAsync(_bob, _alice, sent[101]));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => ReceiveAsync(_bob, _alice, sent[100]));

        // Move Alice's sending chain far ahead without sending, then send: too far for Bob.
        var record = (await _alice.Store.LoadSessionAsync(_bob.Address))!;
        for (var i = 0; i < SessionLimits.MaxForwardJumps + 1; i++)
        {
            record.Current!.SenderChain.Advance();
        }
        await _alice.Store.StoreSessionAsync(_bob.Address, record);
        var tooFar = await SendAsync(_alice, _bob, "too far");
        var error = await Assert.ThrowsAsync<InvalidMessageException>(() => ReceiveAsync(_bob, _alice, tooFar));
        Assert.Contains("No session", error.Message);
        Assert.Contains("too far ahead", error.InnerException!.Message);
    }

    [Fact]
    public async Task Pre_PQXDH_and_unknown_versions_are_refused_clearly()
    {
        await EstablishAsync(_alice, _bob);
        var message = (await SendAsync(_alice, _bob, "v4")).Serialize();
        var v3 = (byte[])message.Clone();
        v3[0] = 0x33;
        var v5 = (byte[])message.Clone();
        v5[0] = 0x55;

        Assert.Throws<UnsupportedVersionException>(() => SignalMessage.Deserialize(v3));
        Assert.Throws<UnsupportedVersionException>(() => SignalMessage.Deserialize(v5));
        Assert.Throws<UnsupportedVersionException>(() => PreKeySignalMessage.Deserialize(v3));
        Assert.Throws<InvalidMessageException>(() => SignalMessage.Deserialize([0x44, 1, 2]));
    }

    [Fact]
    public async Task A_message_with_a_small_order_ratchet_key_is_invalid_and_changes_nothing()
    {
        await EstablishAsync(_alice, _bob);
        var genuine = (SignalMessage)await SendAsync(_alice, _bob, "genuine");
        var state = (await _alice.Store.LoadSessionAsync(_bob.Address))!.Current!;
        var smallOrder = PublicKey.Deserialize([PublicKey.TypeByte, .. new byte[32]]);
        var forged = SignalMessage.Create(new byte[32], smallOrder, 0, 0, new byte[16], state.LocalIdentity, state.RemoteIdentity, [1, 1, 1, 0]);

        await Assert.ThrowsAsync<InvalidMessageException>(async () => await _bob.CipherFor(_alice.Address).DecryptAsync(forged));
        Assert.Equal(Utf8("genuine"), await _bob.CipherFor(_alice.Address).DecryptAsync(genuine));
    }
}
