using Parley.Crypto.Messages;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Support;

internal static class Conversation
{
    /// <summary>Alice starts a session from Bob's bundle, says hello, and Bob replies: both sides then hold a confirmed session.</summary>
    public static async Task EstablishAsync(ParleyParty alice, ParleyParty bob, bool oneTimePreKey = true)
    {
        await alice.BuilderFor(bob.Address).ProcessAsync(await bob.PublishBundleAsync(oneTimePreKey));
        var hello = await alice.CipherFor(bob.Address).EncryptAsync(Utf8("hello"));
        Assert.Equal(Utf8("hello"), await bob.CipherFor(alice.Address).DecryptAsync(hello));
        var reply = await bob.CipherFor(alice.Address).EncryptAsync(Utf8("hi"));
        Assert.Equal(Utf8("hi"), await alice.CipherFor(bob.Address).DecryptAsync(reply));
    }

    public static async Task<CiphertextMessage> SendAsync(ParleyParty from, ParleyParty to, string text) =>
        await from.CipherFor(to.Address).EncryptAsync(Utf8(text));

    public static async Task<string> ReceiveAsync(ParleyParty at, ParleyParty from, CiphertextMessage message) =>
        System.Text.Encoding.UTF8.GetString(await at.CipherFor(from.Address).DecryptAsync(CiphertextMessage.Deserialize(message.Type, message.Serialize())));
}
