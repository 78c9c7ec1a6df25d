using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Parley.Client.Connections;
using Parley.Client.Content;
using Parley.Client.Sqlite;
using Parley.Client.Storage;
using Parley.Client.Tests.Support;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Client.Tests;

/// <summary>
/// What the SDK promises when things break: the outbox survives an app restart and a node crash, the
/// client reconnects on its own, and nothing is lost or doubled.
/// </summary>
public sealed class ResilienceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_outbox_survives_an_app_restart_and_each_message_is_stored_once_even_when_the_first_answer_was_lost()
    {
        await using var node = await TestNode.StartAsync();
        using var folder = new TempFolder();
        var aliceCredentials = await node.RegisterAsync();
        await using var bob = await TestClients.RegisterAsync(node);
        var identity = TestClients.Identity(node, aliceCredentials);

        // The app queues two messages while offline (it never connects), then quits.
        PendingMessage queued, answerLost;
        await using (var store = await SqliteLocalStore.OpenAsync(folder.File("alice.db")))
        {
            await store.SetIdentityAsync(identity);
            await using var offline = new ParleyClient(identity, store, TestClients.Options);
            queued = await offline.SendTextAsync(Recipient.Account(bob.AccountId), "queued while offline");
            answerLost = await offline.SendTextAsync(Recipient.Account(bob.AccountId), "stored, but the answer was lost");
        }
        // The second one did reach the node once (say the app sent it and died before the answer came):
        // the node has it under the same client message id.
        await using (var wire = await WireClient.ConnectDeviceAsync(node, aliceCredentials))
        {
            var content = MessageContents.Text("stored, but the answer was lost").ToByteArray();
            var first = await wire.RequestAsync(new Request
            {
                Send = new SendMessage { PeerAccountId = bob.AccountId, ClientMessageId = ByteString.CopyFrom(answerLost.ClientMessageId), Payload = ByteString.CopyFrom(content) },
            });
            Assert.Equal(1ul, first.Send.Seq);
        }

        // The app starts again on the same store: the outbox goes out by itself.
        await using var reopened = await SqliteLocalStore.OpenAsync(folder.File("alice.db"));
        Assert.Equal(2, (await reopened.GetOutboxAsync()).Count);
        await using var alice = new RecordingClient(await ParleyClient.OpenAsync(reopened, TestClients.Options));
        await alice.Client.StartAsync();
        var completions = (await reopened.GetOutboxAsync()).Select(i => alice.Client.CompletionOf(i.Id)!).ToList();
        var sent = await Task.WhenAll(completions).WaitAsync(Eventually.DefaultTimeout);

        Assert.Empty(await reopened.GetOutboxAsync());
        var lost = sent.Single(s => s.ClientMessageId.SequenceEqual(answerLost.ClientMessageId));
        Assert.True(lost.Duplicate, "the resend was recognised as the message already stored");
        Assert.Equal(1ul, lost.Seq);
        await Eventually.TrueAsync(() => bob.ReceivedTexts.Count == 2, "bob to receive both messages");
        Assert.Equal(["stored, but the answer was lost", "queued while offline"], bob.ReceivedTexts);
        var history = await alice.Client.GetMessagesAsync(lost.ConversationId);
        Assert.Equal([(1ul, "stored, but the answer was lost"), (2ul, "queued while offline")], history.Select(m => (m.Seq, m.Text)));
    }

    [Fact]
    public async Task After_a_node_crash_the_clients_reconnect_on_their_own_and_nothing_is_lost_or_doubled()
    {
        await using var node = await NodeProcess.StartAsync();
        using var folder = new TempFolder();
        var aliceStore = await SqliteLocalStore.OpenAsync(folder.File("alice.db"));
        await using var alice = await TestClients.StartAsync(node, await node.RegisterAsync(), aliceStore);
        await using var bob = await TestClients.RegisterAsync(node);
        var conversation = (await (await alice.Client.SendTextAsync(Recipient.Account(bob.AccountId), "m0")).Sent).ConversationId;

        // Alice keeps typing messages while the node is killed and started again.
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i < 40; i++)
            {
                await alice.Client.SendTextAsync(Recipient.Conversation(conversation), $"m{i}");
                await Task.Delay(25);
            }
        });
        await Eventually.TrueAsync(() => bob.ReceivedTexts.Count >= 10, "some messages before the crash");
        await node.KillAsync();
        var killed = DateTime.UtcNow;
        await Eventually.TrueAsync(() => alice.Client.Status.State == ConnectionState.WaitingToReconnect, "alice to notice the crash");
        await node.StartAgainAsync();
        var restarted = DateTime.UtcNow;
        await sending;
        await Eventually.TrueAsync(() => alice.Client.Status.State == ConnectionState.Online && bob.Client.Status.State == ConnectionState.Online, "both back online");
        var online = DateTime.UtcNow;
        await alice.Client.FlushOutboxAsync().WaitAsync(Eventually.DefaultTimeout);
        await Eventually.TrueAsync(() => bob.ReceivedTexts.Count >= 40, "bob to receive all 40 messages", TimeSpan.FromSeconds(30));

        output.WriteLine($"node down for {(restarted - killed).TotalSeconds:0.00} s; both clients online {(online - restarted).TotalSeconds:0.00} s after the node was up again");
        var expected = Enumerable.Range(0, 40).Select(i => $"m{i}").ToList();
        Assert.Equal(expected, bob.ReceivedTexts);
        Assert.Empty(await aliceStore.GetOutboxAsync());
        foreach (var client in new[] { alice, bob })
        {
            var rows = await client.Client.GetMessagesAsync(conversation);
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (ulong)i), rows.Select(r => r.Seq));
            Assert.Equal(expected, rows.Select(r => r.Text));
            await Eventually.TrueAsync(() => client.Connection.Any(c => c.State == ConnectionState.WaitingToReconnect), "the reconnect event");
        }
    }

    [Fact]
    public async Task Entries_replayed_after_the_cursor_fell_behind_are_stored_and_announced_once()
    {
        await using var node = await TestNode.StartAsync();
        using var folder = new TempFolder();
        await using var alice = await TestClients.RegisterAsync(node);
        var bobCredentials = await node.RegisterAsync();
        string conversation;
        await using (var bob = await TestClients.StartAsync(node, bobCredentials, await SqliteLocalStore.OpenAsync(folder.File("bob.db"))))
        {
            conversation = (await (await alice.Client.SendTextAsync(Recipient.Account(bob.AccountId), "one")).Sent).ConversationId;
            await alice.Client.SendTextAsync(Recipient.Conversation(conversation), "two");
            await alice.Client.SendTextAsync(Recipient.Conversation(conversation), "three");
            await Eventually.TrueAsync(() => bob.ReceivedTexts.Count == 3, "bob to store three messages");
        }
        // The device's cursor falls behind what it has stored (restored from an old backup, say):
        // the node replays 2 and 3, which the store already holds.
        await using (var raw = new SqliteConnection($"Data Source={folder.File("bob.db")};Pooling=false"))
        {
            await raw.OpenAsync();
            await using var rewind = raw.CreateCommand();
            rewind.CommandText = "UPDATE cursors SET seq = 1";
            Assert.Equal(1, await rewind.ExecuteNonQueryAsync());
        }

        await using var store = await SqliteLocalStore.OpenAsync(folder.File("bob.db"));
        await using var again = await TestClients.StartAsync(node, bobCredentials, store);
        await alice.Client.SendTextAsync(Recipient.Conversation(conversation), "four");
        await Eventually.TrueAsync(() => again.ReceivedTexts.Count == 1, "the new message");

        Assert.Equal(["four"], again.ReceivedTexts);
        Assert.Equal((3L, 2L), again.Client.Deliveries); // 2 and 3 came again and were dropped; 4 is new
        Assert.Equal(["one", "two", "three", "four"], (await again.Client.GetMessagesAsync(conversation)).Select(m => m.Text));
        Assert.Equal(4ul, (await store.GetCursorsAsync())[conversation]);
    }

    [Fact]
    public async Task A_revoked_device_is_refused_and_stops_reconnecting()
    {
        await using var node = await TestNode.StartAsync();
        var credentials = await node.RegisterAsync();
        await using var phone = await TestClients.StartAsync(node, credentials);
        TestCredentials laptopCredentials;
        await using (var wire = await WireClient.ConnectDeviceAsync(node, credentials))
        {
            laptopCredentials = await node.LinkDeviceAsync(wire);
        }
        await using var laptop = await TestClients.StartAsync(node, laptopCredentials);

        await phone.Client.RevokeDeviceAsync(laptopCredentials.DeviceId);

        await Eventually.TrueAsync(() => laptop.Client.Status.State == ConnectionState.Refused, "the laptop to be refused");
        Assert.Equal(ErrorCode.DeviceRevoked, laptop.Client.Status.LastDisconnect?.Code);
        var error = await Assert.ThrowsAsync<ParleyException>(() => laptop.Client.ListDevicesAsync());
        Assert.Equal(ErrorCode.DeviceRevoked, error.Code);
        await Eventually.TrueAsync(() => laptop.Connection.Any(c => c.State == ConnectionState.Refused), "the refused event");
        Assert.DoesNotContain(laptop.Connection.SkipWhile(c => c.State != ConnectionState.Refused), c => c.State == ConnectionState.Connecting);
    }
}
