using Parley.Crypto.Messages;
using Parley.Crypto.Sessions;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

/// <summary>
/// What libsignal 0.103 requires of the post-quantum ratchet (SPQR), and that a peer speaking only
/// SPQR's message format and epoch-0 chain (never the ML-KEM braid) is accepted for good.
/// </summary>
[Collection("libsignal")]
public sealed class PqRatchetInteropTests(LibsignalHarness libsignal)
{
    private const byte PayloadNone = 0;
    private const byte PayloadHeaderChunk = 1;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Libsignal_keeps_accepting_a_peer_that_never_runs_the_ML_KEM_braid(bool parleyStarts)
    {
        var parley = ParleyParty.Create("parley");
        var peer = await LibsignalParty.CreateAsync(libsignal, "ls-peer");
        var cipher = parley.CipherFor(peer.Address);
        var parleyIndex = 0UL;
        if (parleyStarts)
        {
            await parley.BuilderFor(peer.Address).ProcessAsync((await peer.BundleAsync()).Bundle);
            var first = await cipher.EncryptAsync(Utf8("first"));
            Assert.Equal((1UL, ++parleyIndex, PayloadNone), Spqr(first));
            Assert.Equal(Utf8("first"), await peer.DecryptAsync(parley.Address, first));
        }
        else
        {
            await peer.ProcessBundleAsync(parley.Address, await parley.PublishBundleAsync());
            var first = await peer.EncryptAsync(parley.Address, Utf8("first"));
            Assert.Equal(PayloadHeaderChunk, Spqr(first).Payload);
            Assert.Equal(Utf8("first"), await cipher.DecryptAsync(first));
        }

        for (var round = 0; round < 25; round++)
        {
            for (var i = 0; i <= round % 3; i++)
            {
                var outgoing = await cipher.EncryptAsync(Utf8($"p{round}.{i}"));
                Assert.Equal((1UL, ++parleyIndex, PayloadNone), Spqr(outgoing));
                Assert.Equal(Utf8($"p{round}.{i}"), await peer.DecryptAsync(parley.Address, outgoing));
            }
            var incoming = await peer.EncryptAsync(parley.Address, Utf8($"l{round}"));
            var theirs = Spqr(incoming);
            // libsignal stays in epoch 1: as initiator it keeps offering its braid header, as responder it waits for one.
            Assert.Equal(1UL, theirs.Epoch);
            Assert.Equal(parleyStarts ? PayloadNone : PayloadHeaderChunk, theirs.Payload);
            Assert.Equal(Utf8($"l{round}"), await cipher.DecryptAsync(incoming));
        }
    }

    [Fact]
    public async Task Libsignal_refuses_a_correctly_MACed_message_without_an_SPQR_part()
    {
        var parley = ParleyParty.Create("parley");
        var peer = await LibsignalParty.CreateAsync(libsignal, "ls-peer");
        await parley.BuilderFor(peer.Address).ProcessAsync((await peer.BundleAsync()).Bundle);
        var cipher = parley.CipherFor(peer.Address);
        Assert.Equal(Utf8("hi"), await peer.DecryptAsync(parley.Address, await cipher.EncryptAsync(Utf8("hi"))));
        Assert.Equal(Utf8("ho"), await cipher.DecryptAsync(await peer.EncryptAsync(parley.Address, Utf8("ho"))));

        // A classical-only message: Double Ratchet keys without the SPQR salt, and no pq_ratchet field.
        var state = (await parley.Store.LoadSessionAsync(peer.Address))!.Current!;
        var keys = RatchetKeys.DeriveMessageKeys(RatchetKeys.MessageSeed(state.SenderChain.ChainKey), null);
        var body = Primitives.Aes256Cbc.Encrypt(keys.CipherKey, keys.Iv, Utf8("classical only"));
        var classical = SignalMessage.Create(keys.MacKey, state.SenderChain.RatchetKey, state.SenderChain.Index, state.PreviousCounter,
            body, state.LocalIdentity, state.RemoteIdentity, pqRatchet: []);

        await libsignal.CallAsync("log.take");
        await Assert.ThrowsAsync<LibsignalException>(() => peer.DecryptAsync(parley.Address, classical));
        var log = (await libsignal.CallAsync("log.take"))["lines"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(log, line => line.Contains("post-quantum ratchet error: Minimum version"));
        Assert.Equal(Utf8("with SPQR"), await peer.DecryptAsync(parley.Address, await cipher.EncryptAsync(Utf8("with SPQR"))));
    }

    [Fact]
    public async Task Duplicates_and_tampering_are_refused_in_both_directions()
    {
        var parley = ParleyParty.Create("parley");
        var peer = await LibsignalParty.CreateAsync(libsignal, "ls-peer");
        await parley.BuilderFor(peer.Address).ProcessAsync((await peer.BundleAsync()).Bundle);
        var cipher = parley.CipherFor(peer.Address);
        var first = await cipher.EncryptAsync(Utf8("first"));
        Assert.Equal(Utf8("first"), await peer.DecryptAsync(parley.Address, first));
        var reply = await peer.EncryptAsync(parley.Address, Utf8("reply"));
        Assert.Equal(Utf8("reply"), await cipher.DecryptAsync(reply));

        // Parley's messages at libsignal.
        var replayedFirst = await Assert.ThrowsAsync<LibsignalException>(() => peer.DecryptAsync(parley.Address, first));
        Assert.Equal("DuplicatedMessage", replayedFirst.Code);
        var next = await cipher.EncryptAsync(Utf8("next"));
        var tampered = next.Serialize();
        tampered[^1] ^= 0x01;
        await Assert.ThrowsAsync<LibsignalException>(() => peer.DecryptAsync(parley.Address, SignalMessage.Deserialize(tampered)));
        Assert.Equal(Utf8("next"), await peer.DecryptAsync(parley.Address, next));

        // libsignal's messages at Parley.
        await Assert.ThrowsAsync<DuplicateMessageException>(async () => await cipher.DecryptAsync(reply));
        var another = await peer.EncryptAsync(parley.Address, Utf8("another"));
        var flipped = another.Serialize();
        flipped[^3] ^= 0x10;
        await Assert.ThrowsAsync<InvalidMessageException>(async () => await cipher.DecryptAsync(SignalMessage.Deserialize(flipped)));
        Assert.Equal(Utf8("another"), await cipher.DecryptAsync(another));
    }

    private static (ulong Epoch, ulong Index, byte Payload) Spqr(CiphertextMessage message)
    {
        var pq = (message is PreKeySignalMessage preKey ? preKey.Message : (SignalMessage)message).PqRatchet;
        Assert.Equal(0x01, pq[0]);
        var at = 1;
        var epoch = Varint(pq, ref at);
        var index = Varint(pq, ref at);
        return (epoch, index, pq[at]);
    }

    private static ulong Varint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
