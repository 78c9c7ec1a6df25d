using Parley.Client.Content;
using Parley.Client.Messaging;
using Parley.Protocol;
using Parley.Client.Tests.Support;
using Parley.Testing;

namespace Parley.Client.Tests;

/// <summary>Two and three real clients of a real node: messages both ways, ticks, groups, typing, presence.</summary>
public sealed class MessagingTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_message_goes_from_outbox_to_sent_to_delivered_to_read()
    {
        await using var alice = await TestClients.RegisterAsync(_node);
        await using var bob = await TestClients.RegisterAsync(_node);

        var pending = await alice.Client.SendTextAsync(Recipient.Account(bob.AccountId), "hello bob");
        var sent = await pending.Sent.WaitAsync(Eventually.DefaultTimeout);
        await Eventually.TrueAsync(() => bob.ReceivedTexts.Contains("hello bob"), "bob to receive the message");
        await Eventually.TrueAsync(async () => (await alice.Client.GetMessagesAsync(sent.ConversationId)).Single().Status == MessageStatus.Delivered, "the delivered tick");

        await bob.Client.MarkAllReadAsync(sent.ConversationId);
        await Eventually.TrueAsync(async () => (await alice.Client.GetMessagesAsync(sent.ConversationId)).Single().Status == MessageStatus.Read, "the read tick");

        // The events tell the same story, in order (they are raised a moment after the store changes).
        List<MessageStatus> Ticks() => alice.Statuses.Where(s => s.ClientMessageId is null || s.ClientMessageId.SequenceEqual(pending.ClientMessageId)).Select(s => s.Status).Distinct().ToList();
        await Eventually.TrueAsync(() => Ticks().Contains(MessageStatus.Read), "the read event");
        Assert.Equal([MessageStatus.Pending, MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read], Ticks());
        var row = (await bob.Client.GetMessagesAsync(sent.ConversationId)).Single();
        Assert.Equal(("hello bob", MessageStatus.Received, alice.AccountId, sent.Seq), (row.Text, row.Status, row.SenderAccountId, row.Seq));
    }

    [Fact]
    public async Task In_a_group_a_message_is_delivered_and_read_only_once_every_other_member_has_it()
    {
        await using var alice = await TestClients.RegisterAsync(_node);
        await using var bob = await TestClients.RegisterAsync(_node);
        var carolCredentials = await _node.RegisterAsync();

        var group = await alice.Client.CreateGroupAsync("trio", [bob.AccountId, carolCredentials.AccountId]);
        var sent = await (await alice.Client.SendTextAsync(Recipient.Conversation(group.Id), "hi all")).Sent;
        await Eventually.TrueAsync(() => bob.ReceivedTexts.Contains("hi all"), "bob to receive it");
        await bob.Client.MarkAllReadAsync(group.Id);
        await Eventually.TrueAsync(async () => (await alice.Client.GetConversationAsync(group.Id))!.Member(bob.AccountId)!.ReadSeq >= sent.Seq, "bob's read receipt");
        Assert.Equal(MessageStatus.Sent, await StatusAsync(alice, group.Id, sent.Seq)); // carol has not connected

        await using var carol = await TestClients.StartAsync(_node, carolCredentials);
        await Eventually.TrueAsync(async () => await StatusAsync(alice, group.Id, sent.Seq) == MessageStatus.Delivered, "delivered to everyone");
        await carol.Client.MarkAllReadAsync(group.Id);
        await Eventually.TrueAsync(async () => await StatusAsync(alice, group.Id, sent.Seq) == MessageStatus.Read, "read by everyone");

        await Eventually.TrueAsync(() => carol.ReceivedTexts.Count == 1, "carol's message event");
        Assert.Equal(["hi all"], carol.ReceivedTexts);
        Assert.Equal(MembershipChange.Types.Kind.Created, carol.Received[0].Membership?.Kind);
        Assert.Equal("trio", (await carol.Client.GetConversationAsync(group.Id))!.Name);
    }

    [Fact]
    public async Task Typing_and_presence_reach_the_other_side_as_events()
    {
        await using var alice = await TestClients.RegisterAsync(_node);
        var bobCredentials = await _node.RegisterAsync();
        await using (var bob = await TestClients.StartAsync(_node, bobCredentials))
        {
            var conversation = (await (await alice.Client.SendTextAsync(Recipient.Account(bob.AccountId), "hi")).Sent).ConversationId;
            await Eventually.TrueAsync(() => alice.Client.PresenceOf(bob.AccountId)?.Online == true, "alice to see bob online");

            await bob.Client.KeystrokeAsync(conversation);
            await bob.Client.KeystrokeAsync(conversation); // within the refresh interval: not repeated
            await Eventually.TrueAsync(() => alice.Client.TypingIn(conversation).Contains(bob.AccountId), "alice to see bob typing");
            await bob.Client.StoppedTypingAsync(conversation);
            await Eventually.TrueAsync(() => alice.Client.TypingIn(conversation).Count == 0, "the indicator to go");
            await Eventually.TrueAsync(() => alice.Typing.Count == 2, "both typing events");
            Assert.Equal([true, false], alice.Typing.Select(t => t.Typing));
        }

        await Eventually.TrueAsync(() => alice.Presence.Any(p => p.AccountId == bobCredentials.AccountId && p is { Online: false, LastSeen: not null }), "bob offline with a last-seen");
        Assert.Contains(alice.Presence, p => p.AccountId == bobCredentials.AccountId && p.Online);
    }

    [Fact]
    public async Task A_second_device_receives_the_accounts_own_messages_with_edits_and_reactions_applied()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var phone = await TestClients.StartAsync(_node, aliceCredentials);
        TestCredentials laptopCredentials;
        await using (var wire = await WireClient.ConnectDeviceAsync(_node, aliceCredentials))
        {
            laptopCredentials = await _node.LinkDeviceAsync(wire);
        }
        await using var laptop = await TestClients.StartAsync(_node, laptopCredentials);
        await using var bob = await TestClients.RegisterAsync(_node);

        var typo = await phone.Client.SendTextAsync(Recipient.Account(bob.AccountId), "helo");
        var conversation = (await typo.Sent).ConversationId;
        await phone.Client.EditAsync(conversation, typo.ClientMessageId, "hello");
        var question = await bob.Client.SendTextAsync(Recipient.Conversation(conversation), "who is this?", replyTo: typo.ClientMessageId);
        await question.Sent;
        await (await laptop.Client.ReactAsync(conversation, question.ClientMessageId, "😀")).Sent;

        foreach (var client in new[] { phone, laptop, bob })
        {
            await Eventually.TrueAsync(async () => (await client.Client.GetMessagesAsync(conversation)).Any(m => m.Reactions?.Count > 0), "the reaction everywhere");
            var rows = await client.Client.GetMessagesAsync(conversation);
            Assert.Equal([("hello", true), ("who is this?", false)], rows.Select(r => (r.Text, r.Edited)));
            Assert.Equal(typo.ClientMessageId, rows[1].ReplyTo);
            Assert.Equal("😀", rows[1].Reactions![aliceCredentials.AccountId]);
        }
        await Eventually.TrueAsync(() => laptop.Received.Any(r => r.IsOwn && r.Content?.Text?.Body == "helo"), "the laptop's event for the phone's message");
    }

    [Fact]
    public async Task Deleting_for_everyone_blanks_the_message_on_both_sides()
    {
        await using var alice = await TestClients.RegisterAsync(_node);
        await using var bob = await TestClients.RegisterAsync(_node);

        var oops = await alice.Client.SendTextAsync(Recipient.Account(bob.AccountId), "wrong chat");
        var conversation = (await oops.Sent).ConversationId;
        await (await alice.Client.DeleteForEveryoneAsync(conversation, oops.ClientMessageId)).Sent;

        foreach (var client in new[] { alice, bob })
        {
            await Eventually.TrueAsync(async () => (await client.Client.GetMessagesAsync(conversation)).Any(m => m.Deleted), "the deletion everywhere");
            var row = Assert.Single(await client.Client.GetMessagesAsync(conversation));
            Assert.Equal(("", true), (row.Text, row.Deleted));
        }
    }

    [Fact]
    public async Task A_refused_message_stays_in_the_outbox_until_discarded()
    {
        await using var alice = await TestClients.RegisterAsync(_node);

        var noSuchGroup = "g_" + new string('A', 22); // well formed, but no such group
        var pending = await alice.Client.SendTextAsync(Recipient.Conversation(noSuchGroup), "hello?");
        var error = await Assert.ThrowsAsync<ParleyException>(() => pending.Sent);
        var refused = Assert.Single(await alice.Client.GetOutboxAsync());
        Assert.Equal(error.Code, refused.Failure?.Code);

        await alice.Client.DiscardAsync(refused.Id);
        Assert.Empty(await alice.Client.GetOutboxAsync());
    }

    private static async Task<MessageStatus> StatusAsync(RecordingClient client, string conversation, ulong seq) =>
        (await client.Client.GetMessagesAsync(conversation)).Single(m => m.Seq == seq).Status;
}
