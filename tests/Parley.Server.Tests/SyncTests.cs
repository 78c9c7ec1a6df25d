using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Offline queueing and sync by cursor: replay, then live, with nothing lost, doubled or reordered.</summary>
public sealed class SyncTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(new Dictionary<string, string>
    {
        ["Gateway:SyncPageEntries"] = "100",
        ["Gateway:SyncWindowEntries"] = "300",
        ["Gateway:SendRatePerSecond"] = "100000",
        ["Gateway:SendBurst"] = "100000",
    });

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_device_offline_while_1000_entries_arrive_gets_all_of_them_in_order_on_reconnect()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bob = await _node.RegisterAsync();
        var conversation = await SendManyAsync(alice, bob.AccountId, 1000);

        await using var bobDevice = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false);
        var entries = await bobDevice.ReceiveEntriesAsync(1000, TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), entries.Select(e => e.Seq));
        Assert.All(entries, e => Assert.Equal(conversation, e.ConversationId));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"m{i}"), entries.Select(e => e.Payload.ToStringUtf8()));
        await bobDevice.ReceivePushAsync(p => p.SyncState?.CaughtUp == true);
    }

    [Fact]
    public async Task Live_sends_during_the_replay_arrive_after_it_without_gap_or_duplicate()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bob = await _node.RegisterAsync();
        var conversation = await SendManyAsync(alice, bob.AccountId, 1000);

        await using var bobDevice = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false);
        var live = Task.Run(async () =>
        {
            for (var i = 1000; i < 1300; i++)
            {
                await alice.SendMessageAsync(conversationId: conversation, text: $"m{i}");
            }
        });
        var entries = await bobDevice.ReceiveEntriesAsync(1300, TimeSpan.FromSeconds(60));
        await live;

        Assert.Equal(Enumerable.Range(1, 1300).Select(i => (ulong)i), entries.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(0, 1300).Select(i => $"m{i}"), entries.Select(e => e.Payload.ToStringUtf8()));
        Assert.DoesNotContain(await bobDevice.ReceiveAllAsync(TimeSpan.FromMilliseconds(300)), f => f.Push?.Entries is not null);
    }

    [Fact]
    public async Task The_replay_comes_in_pages_and_pauses_while_a_window_of_entries_is_unacknowledged()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bob = await _node.RegisterAsync();
        await SendManyAsync(alice, bob.AccountId, 1000);

        await using var bobDevice = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false);
        var unacked = await bobDevice.ReceiveEntriesAsync(300, ack: false);
        var more = await bobDevice.ReceiveAllAsync(TimeSpan.FromMilliseconds(500));

        Assert.Equal(300, unacked.Count); // the window (300), in pages of at most 100
        Assert.DoesNotContain(more, f => f.Push?.Entries is not null);

        await bobDevice.AckAsync(unacked);
        var rest = await bobDevice.ReceiveEntriesAsync(700);
        Assert.Equal(Enumerable.Range(301, 700).Select(i => (ulong)i), rest.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_device_resumes_from_the_cursor_it_gives_and_otherwise_from_its_last_acknowledgement()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bob = await _node.RegisterAsync();
        var conversation = await SendManyAsync(alice, bob.AccountId, 10);
        await using (var first = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false))
        {
            var entries = await first.ReceiveEntriesAsync(10, ack: false);
            await first.AckAsync(entries.Take(6)); // stored up to 6
            await first.ReceivePushAsync(p => p.SyncState is not null);
            await alice.ReceivePushAsync(p => p.Receipt?.UpToSeq == 6); // the ack has been processed
        }

        await using (var resumed = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false))
        {
            Assert.Equal([7ul, 8ul, 9ul, 10ul], (await resumed.ReceiveEntriesAsync(4)).Select(e => e.Seq));
        }
        // A device that lost its local store asks again from its own cursor.
        await using var fromScratch = await WireClient.ConnectDeviceAsync(_node, bob, [new Cursor { ConversationId = conversation, Seq = 2 }], awaitCaughtUp: false);
        Assert.Equal(Enumerable.Range(3, 8).Select(i => (ulong)i), (await fromScratch.ReceiveEntriesAsync(8)).Select(e => e.Seq));
    }

    [Fact]
    public async Task A_connection_that_cannot_keep_up_is_cut_off_and_resyncs_by_cursor_while_others_are_unaffected()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:OutboundQueueFrames"] = "16",
            ["Gateway:CloseGracePeriod"] = "00:00:01",
            ["Gateway:SendRatePerSecond"] = "100000",
            ["Gateway:SendBurst"] = "100000",
        });
        await using var alice = await node.ConnectNewDeviceAsync();
        var bob = await node.RegisterAsync();
        await using var bystander = await node.ConnectNewDeviceAsync();
        var stalled = await WireClient.ConnectDeviceAsync(node, bob);
        stalled.PauseReading(); // a device whose network stalled: the node's writes back up

        var payload = new string('x', 60_000);
        string? conversation = null;
        for (var i = 0; i < 300 && stalled.IsOpenOnServer(node); i++)
        {
            var sent = await alice.SendMessageAsync(peer: bob.AccountId, text: payload);
            Assert.True(sent.Send is not null, sent.Error?.Message);
            conversation = sent.Send.ConversationId;
        }

        for (var wait = 0; wait < 50 && stalled.IsOpenOnServer(node); wait++)
        {
            await Task.Delay(100); // the node gives a closing connection a grace period before dropping it
        }
        Assert.False(stalled.IsOpenOnServer(node), "the stalled connection should have been cut off");
        await stalled.DisposeAsync();
        Assert.NotNull((await bystander.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices);
        await using var resumed = await WireClient.ConnectDeviceAsync(node, bob, awaitCaughtUp: false);
        var head = (await alice.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = conversation } })).Conversation.HeadSeq;
        var entries = await resumed.ReceiveEntriesAsync((int)head, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (ulong)i), entries.Select(e => e.Seq));
    }

    private static async Task<string> SendManyAsync(WireClient sender, string peer, int count)
    {
        var first = (await sender.SendMessageAsync(peer: peer, text: "m0")).Send.ConversationId;
        var pending = new List<Task<Response>>();
        for (var i = 1; i < count; i++)
        {
            pending.Add(sender.SendMessageAsync(conversationId: first, text: $"m{i}"));
            if (pending.Count == 64)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        await Task.WhenAll(pending);
        return first;
    }
}
