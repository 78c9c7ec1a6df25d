using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Groups: membership in the log, order under concurrency, and who may see what.</summary>
public class GroupTests : IAsyncLifetime
{
    private TestNode _node = null!;

    /// <summary>The node's settings; a subclass runs every test again with others.</summary>
    protected virtual Dictionary<string, string> Settings => new()
    {
        ["Conversations:MaxGroupMembers"] = "6",
        ["Gateway:SendRatePerSecond"] = "100000",
        ["Gateway:SendBurst"] = "100000",
    };

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Settings);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Concurrent_senders_in_one_group_produce_one_gapless_order_that_every_device_sees_identically()
    {
        var members = new List<WireClient>();
        for (var i = 0; i < 4; i++)
        {
            members.Add(await _node.ConnectNewDeviceAsync());
        }
        // One member has a second device, which must see the same log.
        var code = (await members[3].RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode.Code;
        var linked = await _node.Http.PostAsync("/v1/devices/link", System.Net.Http.Json.JsonContent.Create(new { code, device_name = "second" }));
        members.Add(await WireClient.ConnectDeviceAsync(_node, await TestCredentials.ReadAsync(linked, members[3].Credentials!.PhoneNumber)));
        var group = await CreateGroupAsync(members[0], "order", members.Skip(1).Take(3));
        const int perSender = 50;

        var sends = members.Take(4).Select((sender, s) => Task.Run(async () =>
        {
            var seqs = new List<(ulong Seq, string Text)>();
            for (var i = 0; i < perSender; i++)
            {
                var text = $"{s}:{i}";
                seqs.Add(((await sender.SendMessageAsync(conversationId: group, text: text)).Send.Seq, text));
            }
            return seqs;
        })).ToList();
        var sent = await Task.WhenAll(sends);
        var total = 4 * perSender + 1; // plus the creation entry

        // A device is not pushed its own sends (their answers carry them) unless a replay covers them;
        // member 3's second device receives member 3's messages too.
        var own = Enumerable.Range(0, members.Count).Select(i => i < 4 ? sent[i] : []).ToList();
        var received = await Task.WhenAll(members.Select((m, i) => ReceiveUntilCompleteAsync(m, own[i], total)));

        var expected = Enumerable.Range(1, total).Select(i => (ulong)i).ToList();
        var full = received[4].Select(e => (e.Seq, e.Payload.ToStringUtf8())).ToList();
        Assert.Equal(expected, full.Select(e => e.Seq));
        for (var i = 0; i < 4; i++)
        {
            // What it received, with what it sent, deduplicated by seq, is the same log as every other device's.
            var log = received[i].Select(e => (e.Seq, e.Payload.ToStringUtf8())).Concat(own[i]).DistinctBy(e => e.Item1).OrderBy(e => e.Item1).ToList();
            Assert.Equal(full, log);
            Assert.Equal(received[i].Select(e => e.Seq).Order(), received[i].Select(e => e.Seq)); // arrived in order, no duplicates
            Assert.Equal(received[i].Count, received[i].Select(e => e.Seq).Distinct().Count());
        }
        // Each sender's own messages keep the order it sent them in.
        foreach (var seqs in sent)
        {
            Assert.Equal(seqs.Select(s => s.Seq).Order(), seqs.Select(s => s.Seq));
        }
        Assert.Equal(total - 1, sent.SelectMany(s => s).Select(s => s.Seq).Distinct().Count());
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }

    [Fact]
    public async Task Membership_changes_are_entries_in_the_log_in_order_with_the_messages()
    {
        await using var admin = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using var carol = await _node.ConnectNewDeviceAsync();
        var group = await CreateGroupAsync(admin, "plans", [bob]);
        await admin.SendMessageAsync(conversationId: group, text: "before carol");

        var added = await admin.RequestAsync(new Request { AddMembers = new AddMembers { ConversationId = group, AccountIds = { carol.Credentials!.AccountId } } });
        await admin.SendMessageAsync(conversationId: group, text: "with carol");
        var promoted = await admin.RequestAsync(new Request { PromoteMember = new PromoteMember { ConversationId = group, AccountId = bob.Credentials!.AccountId } });

        Assert.Equal(3, added.Conversation.Members.Count);
        Assert.Equal(MemberRole.Admin, promoted.Conversation.Members.Single(m => m.AccountId == bob.Credentials.AccountId).Role);
        var bobsLog = await bob.ReceiveEntriesAsync(5);
        Assert.Equal(MembershipChange.Types.Kind.Created, bobsLog[0].Membership.Kind);
        Assert.Equal("plans", bobsLog[0].Membership.Name);
        Assert.Equal("before carol", bobsLog[1].Payload.ToStringUtf8());
        Assert.Equal(MembershipChange.Types.Kind.Added, bobsLog[2].Membership.Kind);
        Assert.Equal([carol.Credentials.AccountId], bobsLog[2].Membership.AccountIds);
        Assert.Equal("with carol", bobsLog[3].Payload.ToStringUtf8());
        Assert.Equal(MembershipChange.Types.Kind.Promoted, bobsLog[4].Membership.Kind);

        // Carol sees the log from the entry that added her, not before.
        var carolsLog = await carol.ReceiveEntriesAsync(3);
        Assert.Equal([3ul, 4ul, 5ul], carolsLog.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_removed_member_receives_its_removal_entry_and_nothing_after_it_and_can_no_longer_send()
    {
        await using var admin = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        var group = await CreateGroupAsync(admin, "leaving", [bob]);
        await bob.ReceiveEntriesAsync(1);

        await admin.RequestAsync(new Request { RemoveMember = new RemoveMember { ConversationId = group, AccountId = bob.Credentials!.AccountId } });
        await admin.SendMessageAsync(conversationId: group, text: "after bob");

        var removal = Assert.Single(await bob.ReceiveEntriesAsync(1));
        Assert.Equal((2ul, MembershipChange.Types.Kind.Removed), (removal.Seq, removal.Membership.Kind));
        Assert.DoesNotContain(await bob.ReceiveAllAsync(TimeSpan.FromMilliseconds(400)), f => f.Push?.Entries is not null);
        Assert.Equal(ErrorCode.NotFound, (await bob.SendMessageAsync(conversationId: group)).Error.Code);
        Assert.Equal(ErrorCode.NotFound, (await bob.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = group } })).Error.Code);

        // Reconnecting from scratch replays up to the removal, and not beyond.
        await using var bobAgain = await WireClient.ConnectDeviceAsync(_node, bob.Credentials, [new Cursor { ConversationId = group, Seq = 0 }]);
        Assert.Equal([1ul, 2ul], (await bobAgain.ReceiveEntriesAsync(2)).Select(e => e.Seq));
        Assert.DoesNotContain(await bobAgain.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)), f => f.Push?.Entries is not null);
    }

    [Fact]
    public async Task Only_admins_change_membership_and_a_full_group_refuses_more()
    {
        var clients = new List<WireClient>();
        for (var i = 0; i < 7; i++)
        {
            clients.Add(await _node.ConnectNewDeviceAsync());
        }
        var group = await CreateGroupAsync(clients[0], "full", clients.Skip(1).Take(4));

        var notAdmin = await clients[1].RequestAsync(new Request { AddMembers = new AddMembers { ConversationId = group, AccountIds = { clients[5].Credentials!.AccountId } } });
        var sixth = await clients[0].RequestAsync(new Request { AddMembers = new AddMembers { ConversationId = group, AccountIds = { clients[5].Credentials!.AccountId } } });
        var seventh = await clients[0].RequestAsync(new Request { AddMembers = new AddMembers { ConversationId = group, AccountIds = { clients[6].Credentials!.AccountId } } });
        var unknown = await clients[0].RequestAsync(new Request { AddMembers = new AddMembers { ConversationId = group, AccountIds = { Guid.NewGuid().ToString() } } });
        var outsider = await clients[6].RequestAsync(new Request { RemoveMember = new RemoveMember { ConversationId = group, AccountId = clients[1].Credentials!.AccountId } });

        Assert.Equal(ErrorCode.Forbidden, notAdmin.Error.Code);
        Assert.Equal(6, sixth.Conversation.Members.Count);
        Assert.Equal(ErrorCode.LimitExceeded, seventh.Error.Code);
        Assert.Equal(ErrorCode.NotFound, unknown.Error.Code);
        Assert.Equal(ErrorCode.NotFound, outsider.Error.Code);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_the_last_admin_leaves_the_longest_standing_member_becomes_admin()
    {
        await using var admin = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using var carol = await _node.ConnectNewDeviceAsync();
        var group = await CreateGroupAsync(admin, "heirs", [bob, carol]);

        Assert.NotNull((await admin.RequestAsync(new Request { LeaveGroup = new LeaveGroup { ConversationId = group } })).Ok);

        var log = await bob.ReceiveEntriesAsync(3);
        Assert.Equal(MembershipChange.Types.Kind.Left, log[1].Membership.Kind);
        Assert.Equal(MembershipChange.Types.Kind.Promoted, log[2].Membership.Kind);
        var view = (await bob.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = group } })).Conversation;
        Assert.Equal(2, view.Members.Count);
        Assert.Single(view.Members, m => m.Role == MemberRole.Admin);
    }

    [Fact]
    public async Task A_non_member_cannot_send_read_or_learn_anything_about_a_conversation()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using var mallory = await _node.ConnectNewDeviceAsync();
        var direct = (await alice.SendMessageAsync(peer: bob.Credentials!.AccountId, text: "secret")).Send.ConversationId;
        var group = await CreateGroupAsync(alice, "private", [bob]);
        var nonexistent = "g_" + new string('A', 22);

        foreach (var id in new[] { direct, group, nonexistent })
        {
            var errors = new[]
            {
                (await mallory.SendMessageAsync(conversationId: id)).Error,
                (await mallory.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = id } })).Error,
                (await mallory.RequestAsync(new Request { MarkRead = new MarkRead { ConversationId = id, Seq = 1 } })).Error,
                (await mallory.RequestAsync(new Request { SetTyping = new SetTyping { ConversationId = id, Typing = true } })).Error,
                (await mallory.RequestAsync(new Request { LeaveGroup = new LeaveGroup { ConversationId = id } })).Error,
            };
            // The same answer whether the conversation exists or not: nothing is leaked.
            Assert.All(errors, e => Assert.Equal((ErrorCode.NotFound, "no such conversation"), (e.Code, e.Message == "no such group" ? "no such conversation" : e.Message)));
        }
        // Acknowledging another conversation's entries or replaying from a cursor in it shows nothing.
        await mallory.AckAsync([new Entry { ConversationId = direct, Seq = 1 }]);
        await using var malloryReplay = await WireClient.ConnectDeviceAsync(_node, mallory.Credentials!, [new Cursor { ConversationId = direct, Seq = 0 }]);
        Assert.DoesNotContain(await malloryReplay.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)), f => f.Push?.Entries is not null);
        Assert.DoesNotContain(await mallory.ReceiveAllAsync(TimeSpan.FromMilliseconds(100)), f => f.Push?.Entries is not null);
        var list = (await mallory.RequestAsync(new Request { ListConversations = new ListConversations() })).Conversations;
        Assert.Empty(list.Conversations);
        // Alice's receipts were not touched by Mallory's ack.
        var view = (await alice.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = direct } })).Conversation;
        Assert.DoesNotContain(view.Members, m => m.AccountId == mallory.Credentials!.AccountId);
    }

    [Fact]
    public async Task Conversations_are_listed_for_their_members()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await alice.SendMessageAsync(peer: bob.Credentials!.AccountId);
        var group = await CreateGroupAsync(alice, "listed", [bob]);

        var list = (await bob.RequestAsync(new Request { ListConversations = new ListConversations() })).Conversations.Conversations;

        Assert.Equal(2, list.Count);
        Assert.Contains(list, c => c.Kind == ConversationKind.Direct && c.HeadSeq == 1);
        Assert.Contains(list, c => c.Id == group && c.Name == "listed" && c.Members.Count == 2);
    }

    /// <summary>Receives until the device has every seq up to <paramref name="total"/>, counting its own sends.</summary>
    private static async Task<List<Entry>> ReceiveUntilCompleteAsync(WireClient device, List<(ulong Seq, string Text)> own, int total)
    {
        var received = new List<Entry>();
        var have = own.Select(o => o.Seq).ToHashSet();
        while (have.Count < total)
        {
            var batch = await device.ReceiveEntriesAsync(1, TimeSpan.FromSeconds(30));
            received.AddRange(batch);
            have.UnionWith(batch.Select(e => e.Seq));
        }
        return received;
    }

    public static async Task<string> CreateGroupAsync(WireClient creator, string name, IEnumerable<WireClient> others)
    {
        var request = new CreateGroup { Name = name };
        request.MemberAccountIds.AddRange(others.Select(o => o.Credentials!.AccountId).Distinct());
        var response = await creator.RequestAsync(new Request { CreateGroup = request });
        Assert.True(response.Conversation is not null, response.Error?.Message);
        return response.Conversation.Id;
    }
}

/// <summary>The group tests with delivery through the account actors, as in a cluster.</summary>
public sealed class GroupsThroughAccountActorsTests : GroupTests
{
    protected override Dictionary<string, string> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Delivery:LocalOnly"] = "false";
            return settings;
        }
    }
}
