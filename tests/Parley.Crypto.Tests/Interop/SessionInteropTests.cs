using Parley.Crypto.Messages;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

[Collection("libsignal")]
public sealed class SessionInteropTests(LibsignalHarness libsignal)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_session_Parley_starts_carries_messages_both_ways(bool oneTimePreKey)
    {
        var bob = await LibsignalParty.CreateAsync(libsignal, "ls-bob");
        var alice = ParleyParty.Create("parley-alice");
        var (bundle, _) = await bob.BundleAsync(oneTimePreKey);
        await alice.BuilderFor(bob.Address).ProcessAsync(bundle);
        var cipher = alice.CipherFor(bob.Address);

        var first = await cipher.EncryptAsync(Utf8("hello libsignal"));
        Assert.IsType<PreKeySignalMessage>(first);
        Assert.Equal(Utf8("hello libsignal"), await bob.DecryptAsync(alice.Address, first));

        var reply = await bob.EncryptAsync(alice.Address, Utf8("hello Parley"));
        Assert.IsType<SignalMessage>(reply);
        Assert.Equal(Utf8("hello Parley"), await cipher.DecryptAsync(reply));

        await ConverseAsync(alice, bob, rounds: 4);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_session_libsignal_starts_carries_messages_both_ways(bool oneTimePreKey)
    {
        var alice = await LibsignalParty.CreateAsync(libsignal, "ls-alice");
        var bob = ParleyParty.Create("parley-bob");
        await alice.ProcessBundleAsync(bob.Address, await bob.PublishBundleAsync(oneTimePreKey));
        var cipher = bob.CipherFor(alice.Address);

        var first = await alice.EncryptAsync(bob.Address, Utf8("hello Parley"));
        Assert.IsType<PreKeySignalMessage>(first);
        Assert.Equal(Utf8("hello Parley"), await cipher.DecryptAsync(first));

        var reply = await cipher.EncryptAsync(Utf8("hello libsignal"));
        Assert.IsType<SignalMessage>(reply);
        Assert.Equal(Utf8("hello libsignal"), await alice.DecryptAsync(bob.Address, reply));

        await ConverseAsync(bob, alice, rounds: 4);
    }

    /// <summary>Bursts in both directions, each delivered out of order, so both sides ratchet and skip.</summary>
    private static async Task ConverseAsync(ParleyParty parley, LibsignalParty peer, int rounds)
    {
        var cipher = parley.CipherFor(peer.Address);
        for (var round = 0; round < rounds; round++)
        {
            var outgoing = new List<CiphertextMessage>();
            for (var i = 0; i < 4; i++)
            {
                outgoing.Add(await cipher.EncryptAsync(Utf8($"parley {round}.{i}")));
            }
            foreach (var i in new[] { 2, 0, 3, 1 })
            {
                Assert.Equal(Utf8($"parley {round}.{i}"), await peer.DecryptAsync(parley.Address, outgoing[i]));
            }

            var incoming = new List<CiphertextMessage>();
            for (var i = 0; i < 4; i++)
            {
                incoming.Add(await peer.EncryptAsync(parley.Address, Utf8($"libsignal {round}.{i}")));
            }
            foreach (var i in new[] { 3, 1, 0, 2 })
            {
                Assert.Equal(Utf8($"libsignal {round}.{i}"), await cipher.DecryptAsync(incoming[i]));
            }
        }
    }
}
