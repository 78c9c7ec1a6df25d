using Parley.Client.Connections;
using Parley.Client.Sqlite;
using Parley.Client.Tests.Support;
using Parley.Testing;

namespace Parley.Client.Tests;

/// <summary>The connection's own upkeep against a real node: the heartbeat adapts and notices a dead link; stopping is prompt.</summary>
public sealed class ConnectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(new Dictionary<string, string>
    {
        ["Gateway:HeartbeatMinInterval"] = "00:00:00.200",
        ["Gateway:HeartbeatMaxInterval"] = "00:00:01",
        ["Gateway:HeartbeatTimeout"] = "00:00:20",
        ["Gateway:SendRatePerSecond"] = "100000",
        ["Gateway:SendBurst"] = "100000",
    });

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task The_heartbeat_measures_the_round_trip_and_lengthens_its_interval_within_the_nodes_bounds()
    {
        await using var alice = await TestClients.RegisterAsync(_node);

        Assert.Equal(TimeSpan.FromMilliseconds(200), alice.Client.HeartbeatInterval);
        await Eventually.TrueAsync(() => alice.Client.HeartbeatInterval == TimeSpan.FromSeconds(1), "the interval to reach the node's maximum");

        Assert.InRange(alice.Client.RoundTrip!.Value, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(500));
        Assert.Equal(200u, alice.Client.Welcome!.Heartbeat.MinIntervalMs);
    }

    [Fact]
    public async Task A_connection_that_goes_silent_is_given_up_after_two_missed_pongs_and_the_client_reconnects()
    {
        var transport = new SilenceableTransport();
        var credentials = await _node.RegisterAsync();
        await using var alice = await TestClients.StartAsync(_node, credentials, options: TestClients.Options with { Transport = transport, Logger = new TestLogger(output, "alice") });
        await using var bob = await TestClients.RegisterAsync(_node);
        await Eventually.TrueAsync(() => alice.Client.HeartbeatInterval == TimeSpan.FromSeconds(1), "a healthy connection with a measured round trip");

        transport.SilenceOpenConnections();
        var silenced = DateTime.UtcNow;
        await Eventually.TrueAsync(() => transport.Opened == 2 && alice.Client.Status.State == ConnectionState.Online, "a new connection");
        // At most: the 1 s interval, a 1 s pong wait, the 200 ms interval after a miss, another 1 s wait, and a reconnect.
        Assert.InRange(DateTime.UtcNow - silenced, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        output.WriteLine($"the silent connection was given up and replaced after {(DateTime.UtcNow - silenced).TotalSeconds:0.0} s");

        await bob.Client.SendTextAsync(Recipient.Account(alice.AccountId), "still there?");
        await Eventually.TrueAsync(() => alice.ReceivedTexts.Contains("still there?"), "the message over the new connection");
        await Eventually.TrueAsync(() => alice.Connection.Any(c => c.State == ConnectionState.WaitingToReconnect && c.LastDisconnect!.Code is null), "the reconnect event");
    }

    [Fact]
    public async Task Stopping_while_the_store_is_busy_with_a_backlog_is_prompt_and_the_next_start_stores_it_all_once()
    {
        using var folder = new TempFolder();
        await using var alice = await TestClients.RegisterAsync(_node);
        var bobCredentials = await _node.RegisterAsync();
        var first = await (await alice.Client.SendTextAsync(Recipient.Account(bobCredentials.AccountId), "m0")).Sent;
        for (var i = 1; i < 300; i++)
        {
            await alice.Client.SendTextAsync(Recipient.Conversation(first.ConversationId), $"m{i}");
        }
        await alice.Client.FlushOutboxAsync();

        // Bob's store takes forever to write the first batch: the stop arrives while it is busy.
        await using (var store = await SqliteLocalStore.OpenAsync(folder.File("bob.db")))
        {
            var busy = new BusyStore(store);
            var bob = await TestClients.StartAsync(_node, bobCredentials, busy, waitSynced: false);
            await busy.Writing.WaitAsync(Eventually.DefaultTimeout);
            await bob.Client.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Empty(await store.GetEntriesAsync(first.ConversationId, 10));
        }

        await using var again = await TestClients.StartAsync(_node, bobCredentials, await SqliteLocalStore.OpenAsync(folder.File("bob.db")));
        var rows = await again.Client.GetMessagesAsync(first.ConversationId, 1000);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"m{i}"), rows.Select(r => r.Text));
        await Eventually.TrueAsync(() => again.ReceivedTexts.Count == 300, "an event per message");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"m{i}"), again.ReceivedTexts);
    }
}
