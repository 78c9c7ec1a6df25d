using Parley.Crypto.Messages;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Interop;

[Collection("libsignal")]
public sealed class GroupInteropTests(LibsignalHarness libsignal)
{
    private static readonly int[] Order = [0, 1, 4, 2, 6, 5, 3];

    [Fact]
    public async Task Parley_decrypts_libsignal_sender_key_messages_in_and_out_of_order()
    {
        var group = Guid.NewGuid();
        var name = $"ls-sender-{Guid.NewGuid():N}";
        await libsignal.CallAsync("party.create", new { name, deviceId = 3, registrationId = 77 });
        var libsignalAddress = new ProtocolAddress(name, 3);
        var member = ParleyParty.Create("parley-member");

        var distribution = FromB64((await libsignal.CallAsync("group.create", new { party = name, distributionId = group.ToString() }))["message"]);
        Assert.Equal(0x33, distribution[0]);
        await member.GroupBuilder.ProcessAsync(libsignalAddress, SenderKeyDistributionMessage.Deserialize(distribution));

        var sent = new List<byte[]>();
        for (var i = 0; i < Order.Length; i++)
        {
            sent.Add(FromB64((await libsignal.CallAsync("group.encrypt", new { party = name, distributionId = group.ToString(), plaintext = B64(Utf8($"from libsignal {i}")) }))["message"]));
        }
        foreach (var i in Order)
        {
            Assert.Equal(Utf8($"from libsignal {i}"), await member.Group.DecryptAsync(libsignalAddress, sent[i]));
        }
        await Assert.ThrowsAsync<DuplicateMessageException>(async () => await member.Group.DecryptAsync(libsignalAddress, sent[4]));

        var tampered = (byte[])sent[2].Clone();
        tampered[^1] ^= 0x40;
        await Assert.ThrowsAsync<InvalidMessageException>(async () => await member.Group.DecryptAsync(libsignalAddress, tampered));
    }

    [Fact]
    public async Task Libsignal_decrypts_Parley_sender_key_messages_in_and_out_of_order()
    {
        var group = Guid.NewGuid();
        var sender = ParleyParty.Create($"parley-sender-{Guid.NewGuid():N}", 2);
        var memberName = $"ls-member-{Guid.NewGuid():N}";
        await libsignal.CallAsync("party.create", new { name = memberName, deviceId = 1, registrationId = 78 });
        var senderJson = new { name = sender.Address.Name, deviceId = sender.Address.DeviceId };

        var distribution = await sender.GroupBuilder.CreateAsync(sender.Address, group);
        await libsignal.CallAsync("group.process", new { party = memberName, sender = senderJson, message = B64(distribution.Serialize()) });

        var sent = new List<byte[]>();
        for (var i = 0; i < Order.Length; i++)
        {
            sent.Add((await sender.Group.EncryptAsync(sender.Address, group, Utf8($"from Parley {i}"))).Serialize());
        }
        foreach (var i in Order)
        {
            var result = await libsignal.CallAsync("group.decrypt", new { party = memberName, sender = senderJson, message = B64(sent[i]) });
            Assert.Equal(Utf8($"from Parley {i}"), FromB64(result["plaintext"]));
        }

        var duplicate = await Assert.ThrowsAsync<LibsignalException>(() => libsignal.CallAsync("group.decrypt", new { party = memberName, sender = senderJson, message = B64(sent[1]) }));
        Assert.Equal("DuplicatedMessage", duplicate.Code);
        var tampered = (byte[])sent[3].Clone();
        tampered[10] ^= 0x01;
        await Assert.ThrowsAsync<LibsignalException>(() => libsignal.CallAsync("group.decrypt", new { party = memberName, sender = senderJson, message = B64(tampered) }));

        // A rekey reaches libsignal too.
        var rekey = await sender.GroupBuilder.RekeyAsync(sender.Address, group);
        await libsignal.CallAsync("group.process", new { party = memberName, sender = senderJson, message = B64(rekey.Serialize()) });
        var afterRekey = await sender.Group.EncryptAsync(sender.Address, group, Utf8("after rekey"));
        var decrypted = await libsignal.CallAsync("group.decrypt", new { party = memberName, sender = senderJson, message = B64(afterRekey.Serialize()) });
        Assert.Equal(Utf8("after rekey"), FromB64(decrypted["plaintext"]));
    }
}
