using Parley.Crypto.Messages;
using Parley.Crypto.Tests.Support;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Groups;

public sealed class GroupTests
{
    private readonly Guid _group = Guid.NewGuid();

    private async Task<(ParleyParty Sender, ParleyParty[] Members)> GroupOfAsync(int members)
    {
        var sender = ParleyParty.Create("sender");
        var others = Enumerable.Range(0, members).Select(i => ParleyParty.Create($"member{i}")).ToArray();
        var distribution = await sender.GroupBuilder.CreateAsync(sender.Address, _group);
        foreach (var member in others)
        {
            await member.GroupBuilder.ProcessAsync(sender.Address, SenderKeyDistributionMessage.Deserialize(distribution.Serialize()));
        }
        return (sender, others);
    }

    [Fact]
    public async Task Every_member_decrypts_the_senders_messages_in_order()
    {
        var (sender, members) = await GroupOfAsync(3);
        for (var i = 0; i < 5; i++)
        {
            var message = await sender.Group.EncryptAsync(sender.Address, _group, Utf8($"hello {i}"));
            Assert.Equal((uint)i, message.Iteration);
            foreach (var member in members)
            {
                Assert.Equal(Utf8($"hello {i}"), await member.Group.DecryptAsync(sender.Address, message.Serialize()));
            }
        }
    }

    [Fact]
    public async Task Out_of_order_messages_decrypt_once_and_duplicates_are_refused()
    {
        var (sender, members) = await GroupOfAsync(1);
        var member = members[0];
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            sent.Add((await sender.Group.EncryptAsync(sender.Address, _group, Utf8($"m{i}"))).Serialize());
        }

        foreach (var i in new[] { 9, 0, 5, 3, 1, 2, 8, 4, 7, 6 })
        {
            Assert.Equal(Utf8($"m{i}"), await member.Group.DecryptAsync(sender.Address, sent[i]));
        }
        foreach (var i in new[] { 0, 6, 9 })
        {
            await Assert.ThrowsAsync<DuplicateMessageException>(async () => await member.Group.DecryptAsync(sender.Address, sent[i]));
        }
    }

    [Fact]
    public async Task Tampered_or_forged_messages_fail_the_signature()
    {
        var (sender, members) = await GroupOfAsync(1);
        var message = (await sender.Group.EncryptAsync(sender.Address, _group, Utf8("pay 10"))).Serialize();
        for (var position = 1; position < message.Length; position += 9)
        {
            var tampered = (byte[])message.Clone();
            tampered[position] ^= 0x01;
            await Assert.ThrowsAnyAsync<ProtocolException>(async () => await members[0].Group.DecryptAsync(sender.Address, tampered));
        }
        var bodyFlipped = (byte[])message.Clone();
        bodyFlipped[^70] ^= 0x01;
        await Assert.ThrowsAsync<InvalidMessageException>(async () => await members[0].Group.DecryptAsync(sender.Address, bodyFlipped));

        Assert.Equal(Utf8("pay 10"), await members[0].Group.DecryptAsync(sender.Address, message));
    }

    [Fact]
    public async Task A_member_without_the_distribution_message_gets_a_clear_error()
    {
        var (sender, _) = await GroupOfAsync(1);
        var outsider = ParleyParty.Create("outsider");
        var message = await sender.Group.EncryptAsync(sender.Address, _group, Utf8("secret"));

        await Assert.ThrowsAsync<NoSenderKeyStateException>(async () => await outsider.Group.DecryptAsync(sender.Address, message));
        await Assert.ThrowsAsync<NoSenderKeyStateException>(async () => await outsider.Group.EncryptAsync(outsider.Address, _group, Utf8("x")));
    }

    [Fact]
    public async Task Rekey_on_removal_locks_the_removed_member_out_but_keeps_in_flight_messages_readable()
    {
        var (sender, members) = await GroupOfAsync(2);
        var (staying, removed) = (members[0], members[1]);
        var beforeRekey = await sender.Group.EncryptAsync(sender.Address, _group, Utf8("before"));

        var rekey = await sender.GroupBuilder.RekeyAsync(sender.Address, _group);
        await staying.GroupBuilder.ProcessAsync(sender.Address, rekey);
        var afterRekey = await sender.Group.EncryptAsync(sender.Address, _group, Utf8("after"));

        Assert.NotEqual(beforeRekey.ChainId, afterRekey.ChainId);
        Assert.Equal(0u, afterRekey.Iteration);
        Assert.Equal(Utf8("after"), await staying.Group.DecryptAsync(sender.Address, afterRekey));
        Assert.Equal(Utf8("before"), await staying.Group.DecryptAsync(sender.Address, beforeRekey));
        await Assert.ThrowsAsync<NoSenderKeyStateException>(async () => await removed.Group.DecryptAsync(sender.Address, afterRekey));
        Assert.Equal(Utf8("before"), await removed.Group.DecryptAsync(sender.Address, beforeRekey));
    }

    [Fact]
    public async Task Reprocessing_an_old_distribution_message_does_not_rewind_the_chain()
    {
        var sender = ParleyParty.Create("sender");
        var member = ParleyParty.Create("member");
        var distribution = await sender.GroupBuilder.CreateAsync(sender.Address, _group);
        await member.GroupBuilder.ProcessAsync(sender.Address, distribution);
        var message = await sender.Group.EncryptAsync(sender.Address, _group, Utf8("once"));
        await member.Group.DecryptAsync(sender.Address, message);

        await member.GroupBuilder.ProcessAsync(sender.Address, distribution);

        await Assert.ThrowsAsync<DuplicateMessageException>(async () => await member.Group.DecryptAsync(sender.Address, message));
    }

    [Fact]
    public async Task Skipping_is_bounded_in_both_distance_and_memory()
    {
        var (sender, members) = await GroupOfAsync(1);
        var member = members[0];
        var sent = new List<SenderKeyMessage>();
        for (var i = 0; i <= 2_101; i++)
        {
            sent.Add(await sender.Group.EncryptAsync(sender.Address, _group, Utf8($"m{i}")));
        }

        // Receiving iteration 2,101 first stores keys for the 2,000 iterations just before it only.
        Assert.Equal(Utf8("m2101"), await member.Group.DecryptAsync(sender.Address, sent[2_101]));
        var state = (await member.Store.LoadSenderKeyAsync(sender.Address, _group))!.StateForChain(sent[0].ChainId)!;
        Assert.Equal(2_000, state.Skipped.Count);
        Assert.Equal(Utf8("m101"), await member.Group.DecryptAsync(sender.Address, sent[101]));
        await Assert.ThrowsAsync<DuplicateMessageException>(async () => await member.Group.DecryptAsync(sender.Address, sent[100]));

        // A message more than 25,000 iterations ahead is refused rather than computed.
        var signing = (await sender.Store.LoadSenderKeyAsync(sender.Address, _group))!.Newest!.SigningPrivateKey!;
        var tooFar = SenderKeyMessage.Create(_group, sent[0].ChainId, 2_102 + 25_001, Random(16), signing);
        await Assert.ThrowsAsync<InvalidMessageException>(async () => await member.Group.DecryptAsync(sender.Address, tooFar));
        Assert.Equal(Utf8("m2000"), await member.Group.DecryptAsync(sender.Address, sent[2_000]));
    }
}
