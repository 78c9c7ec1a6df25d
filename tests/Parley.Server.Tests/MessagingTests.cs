using Google.Protobuf;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>1:1 messaging, idempotent sends and receipts, on a real node over real WebSockets.</summary>
public class MessagingTests : IAsyncLifetime
{
    private TestNode _node = null!;

    /// <summary>The node's settings; a subclass runs every test again with others.</summary>
    protected virtual Dictionary<string, string> Settings => new()
    {
        ["Conversations:DedupWindow"] = "16",
    };

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Settings);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_first_send_to_an_account_creates_the_conversation_and_reaches_both_sides()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();

        var sent = (await alice.SendMessageAsync(peer: bob.Credentials!.AccountId, text: "hi bob")).Send;

        Assert.Equal(1ul, sent.Seq);
        Assert.StartsWith("d_", sent.ConversationId);
        Assert.False(sent.Duplicate);
        var received = Assert.Single(await bob.ReceiveEntriesAsync(1));
        Assert.Equal((sent.ConversationId, 1ul, "hi bob"), (received.ConversationId, received.Seq, received.Payload.ToStringUtf8()));
        Assert.Equal(alice.Credentials!.AccountId, received.SenderAccountId);
        Assert.Equal(sent.Timestamp, received.Timestamp);
        // The sending device is not sent its own message back: the answer to its send is its copy.
        Assert.DoesNotContain(await alice.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)), f => f.Push?.Entries is not null);

        var reply = (await bob.SendMessageAsync(peer: alice.Credentials.AccountId, text: "hi alice")).Send;
        Assert.Equal((sent.ConversationId, 2ul), (reply.ConversationId, reply.Seq));
        Assert.True(reply.Timestamp > sent.Timestamp);
    }

    [Fact]
    public async Task A_retried_send_answers_with_the_original_seq_and_appends_nothing()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        var id = Guid.NewGuid().ToByteArray();

        var first = (await alice.SendMessageAsync(peer: bob.Credentials!.AccountId, text: "once", clientMessageId: id)).Send;
        var again = (await alice.SendMessageAsync(peer: bob.Credentials.AccountId, text: "once", clientMessageId: id, retry: true)).Send;
        var next = (await alice.SendMessageAsync(peer: bob.Credentials.AccountId, text: "twice")).Send;

        Assert.Equal(first.Seq, again.Seq);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Seq + 1, next.Seq);
        var entries = await bob.ReceiveEntriesAsync(2);
        Assert.Equal(["once", "twice"], entries.Select(e => e.Payload.ToStringUtf8()));
        Assert.Empty(await bob.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_retry_across_a_reconnect_and_beyond_the_in_memory_window_still_finds_the_original()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        var id = Guid.NewGuid().ToByteArray();
        Protocol.SendResult first;
        await using (var alice = await WireClient.ConnectDeviceAsync(_node, aliceCredentials))
        {
            first = (await alice.SendMessageAsync(peer: bob.Credentials!.AccountId, clientMessageId: id)).Send;
            for (var i = 0; i < 40; i++) // more than the node's 16-id dedup window
            {
                await alice.SendMessageAsync(conversationId: first.ConversationId, text: $"filler {i}");
            }
        }

        await using var aliceAgain = await WireClient.ConnectDeviceAsync(_node, aliceCredentials);
        var retried = (await aliceAgain.SendMessageAsync(conversationId: first.ConversationId, clientMessageId: id, retry: true)).Send;

        Assert.Equal(first.Seq, retried.Seq);
        Assert.True(retried.Duplicate);
        Assert.Equal(41, (await bob.ReceiveEntriesAsync(41)).Count);
        Assert.Empty(await bob.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Concurrent_retries_of_one_send_create_exactly_one_entry()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        var id = Guid.NewGuid().ToByteArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            alice.SendMessageAsync(peer: bob.Credentials!.AccountId, clientMessageId: id, retry: i > 0)));

        Assert.Single(results.Select(r => r.Send.Seq).Distinct());
        Assert.Single(await bob.ReceiveEntriesAsync(1));
        Assert.Empty(await bob.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Acknowledging_sends_a_delivered_receipt_and_marking_read_a_read_receipt_to_the_sender()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        var sent = (await alice.SendMessageAsync(peer: bob.Credentials!.AccountId)).Send;

        await bob.ReceiveEntriesAsync(1, ack: true);
        var delivered = (await alice.ReceivePushAsync(p => p.Receipt?.Kind == ReceiptKind.Delivered)).Receipt;
        Assert.Equal((sent.ConversationId, bob.Credentials.AccountId, 1ul), (delivered.ConversationId, delivered.AccountId, delivered.UpToSeq));

        var read = await bob.RequestAsync(new Request { MarkRead = new MarkRead { ConversationId = sent.ConversationId, Seq = 1 } });
        Assert.NotNull(read.Ok);
        var readReceipt = (await alice.ReceivePushAsync(p => p.Receipt?.Kind == ReceiptKind.Read)).Receipt;
        Assert.Equal((bob.Credentials.AccountId, 1ul), (readReceipt.AccountId, readReceipt.UpToSeq));

        // Receipts are durable: the conversation reports them to anyone who asks later.
        var view = (await alice.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = sent.ConversationId } })).Conversation;
        var bobAsMember = view.Members.Single(m => m.AccountId == bob.Credentials.AccountId);
        Assert.Equal((1ul, 1ul), (bobAsMember.DeliveredSeq, bobAsMember.ReadSeq));
        Assert.Equal(bob.Credentials.PhoneNumber, bobAsMember.PhoneNumber);
    }

    [Fact]
    public async Task Every_device_of_a_member_receives_the_entry_the_senders_other_devices_too()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var alicePhone = await WireClient.ConnectDeviceAsync(_node, aliceCredentials);
        var laptop = await _node.LinkDeviceAsync(alicePhone);
        await using var aliceLaptop = await WireClient.ConnectDeviceAsync(_node, laptop);
        await using var bob = await _node.ConnectNewDeviceAsync();

        await alicePhone.SendMessageAsync(peer: bob.Credentials!.AccountId, text: "from my phone");

        Assert.Equal("from my phone", Assert.Single(await aliceLaptop.ReceiveEntriesAsync(1)).Payload.ToStringUtf8());
        Assert.Equal("from my phone", Assert.Single(await bob.ReceiveEntriesAsync(1)).Payload.ToStringUtf8());
        Assert.DoesNotContain(await alicePhone.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)), f => f.Push?.Entries is not null);
    }

    [Fact]
    public async Task Per_device_payloads_reach_each_device_with_its_own_bytes()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bobCredentials = await _node.RegisterAsync();
        await using var bobPhone = await WireClient.ConnectDeviceAsync(_node, bobCredentials);
        var bobLaptopCredentials = await _node.LinkDeviceAsync(bobPhone);
        await using var bobLaptop = await WireClient.ConnectDeviceAsync(_node, bobLaptopCredentials);

        await alice.SendMessageAsync(peer: bobCredentials.AccountId, devicePayloads:
        [
            new DevicePayload { AccountId = bobCredentials.AccountId, DeviceId = 1, Payload = ByteString.CopyFromUtf8("for the phone") },
            new DevicePayload { AccountId = bobCredentials.AccountId, DeviceId = 2, Payload = ByteString.CopyFromUtf8("for the laptop") },
        ]);

        Assert.Equal("for the phone", Assert.Single(await bobPhone.ReceiveEntriesAsync(1)).Payload.ToStringUtf8());
        Assert.Equal("for the laptop", Assert.Single(await bobLaptop.ReceiveEntriesAsync(1)).Payload.ToStringUtf8());
        // A device the sender left out still gets the entry, marked as carrying nothing for it.
        await using var bobTablet = await WireClient.ConnectDeviceAsync(_node, await _node.LinkDeviceAsync(bobPhone));
        await alice.SendMessageAsync(peer: bobCredentials.AccountId, devicePayloads:
        [
            new DevicePayload { AccountId = bobCredentials.AccountId, DeviceId = 1, Payload = ByteString.CopyFromUtf8("phone only") },
        ]);
        var tabletCopy = (await bobTablet.ReceiveEntriesAsync(2)).Single(e => e.Seq == 2); // seq 1 replayed, then 2
        Assert.True(tabletCopy.PayloadMissing);
    }

    [Theory]
    [InlineData("no target")]
    [InlineData("short id")]
    [InlineData("both payload kinds")]
    [InlineData("no payload")]
    [InlineData("bad conversation id")]
    [InlineData("bad peer id")]
    public async Task Malformed_sends_are_refused_with_invalid_request(string problem)
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var send = new SendMessage { PeerAccountId = Guid.NewGuid().ToString(), ClientMessageId = ByteString.CopyFrom(new byte[16]), Payload = ByteString.CopyFromUtf8("x") };
        switch (problem)
        {
            case "no target": send.ClearTo(); break;
            case "short id": send.ClientMessageId = ByteString.CopyFrom(new byte[4]); break;
            case "both payload kinds": send.DevicePayloads.Add(new DevicePayload { AccountId = Guid.NewGuid().ToString(), DeviceId = 1, Payload = ByteString.CopyFromUtf8("y") }); break;
            case "no payload": send.Payload = ByteString.Empty; break;
            case "bad conversation id": send.ConversationId = "nope"; break;
            case "bad peer id": send.PeerAccountId = "nope"; break;
        }

        var response = await alice.RequestAsync(new Request { Send = send });

        Assert.Equal(ErrorCode.InvalidRequest, response.Error.Code);
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_refused_and_a_send_to_nobody_is_not_found()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();

        var tooBig = await alice.SendMessageAsync(peer: bob.Credentials!.AccountId, text: new string('x', 64 * 1024 + 1));
        var nobody = await alice.SendMessageAsync(peer: Guid.NewGuid().ToString());

        Assert.Equal(ErrorCode.LimitExceeded, tooBig.Error.Code);
        Assert.Equal(ErrorCode.NotFound, nobody.Error.Code);
    }
}

/// <summary>
/// The same tests with entries, receipts and typing delivered through the account actors, as in a
/// cluster, instead of straight to the node's connections.
/// </summary>
public sealed class MessagingThroughAccountActorsTests : MessagingTests
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
