using Parley.Client.Messaging;
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

        var ticks = alice.Statuses.Where(s => s.ClientMessageId is null || s.ClientMessageId.SequenceEqual(pending.ClientMessageId)).Select(s => s.Status).ToList();
        Assert.Equal([MessageStatus.Pending, MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read], ticks.Distinct());
        var row = (await bob.Client.GetMessagesAsync(sent.ConversationId)).Single();
        Assert.Equal(("hello bob", MessageStatus.Received, alice.AccountId, sent.Seq), (row.Text, row.Status, row.SenderAccountId, row.Seq));
    }
}
