using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Typing indicators and presence: ephemeral, and seen by exactly the right devices.</summary>
public class PresenceAndTypingTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
    private TestNode _node = null!;

    /// <summary>The node's settings; a subclass runs every test again with others.</summary>
    protected virtual Dictionary<string, string> Settings => [];

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Settings);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Typing_reaches_the_other_members_online_devices_and_nobody_else()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var alice = await WireClient.ConnectDeviceAsync(_node, aliceCredentials);
        await using var aliceLaptop = await WireClient.ConnectDeviceAsync(_node, await _node.LinkDeviceAsync(alice));
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using var bobTablet = await WireClient.ConnectDeviceAsync(_node, await _node.LinkDeviceAsync(bob));
        await using var carol = await _node.ConnectNewDeviceAsync();
        await using var outsider = await _node.ConnectNewDeviceAsync();
        var group = await GroupTests.CreateGroupAsync(alice, "typing", [bob, carol]);
        foreach (var client in new[] { alice, aliceLaptop, bob, bobTablet, carol })
        {
            await client.ReceiveEntriesAsync(1);
        }

        var response = await alice.RequestAsync(new Request { SetTyping = new SetTyping { ConversationId = group, Typing = true } });

        Assert.NotNull(response.Ok);
        foreach (var receiver in new[] { bob, bobTablet, carol })
        {
            var typing = (await receiver.ReceivePushAsync(p => p.Typing is not null)).Typing;
            Assert.Equal((group, aliceCredentials.AccountId, 1u, true), (typing.ConversationId, typing.AccountId, typing.DeviceId, typing.Typing_));
            Assert.Equal(5000u, typing.ExpiresInMs);
        }
        foreach (var bystander in new[] { alice, aliceLaptop, outsider })
        {
            Assert.DoesNotContain(await bystander.ReceiveAllAsync(Quiet), f => f.Push?.Typing is not null);
        }
    }

    [Fact]
    public async Task Typing_is_never_stored()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        var bob = await _node.RegisterAsync();
        var conversation = (await alice.SendMessageAsync(peer: bob.AccountId)).Send.ConversationId;
        await alice.RequestAsync(new Request { SetTyping = new SetTyping { ConversationId = conversation, Typing = true } });

        await using var bobLater = await WireClient.ConnectDeviceAsync(_node, bob, awaitCaughtUp: false);

        var frames = await bobLater.ReceiveAllAsync(Quiet);
        Assert.DoesNotContain(frames, f => f.Push?.Typing is not null);
        Assert.Single(frames.Where(f => f.Push?.Entries is not null).SelectMany(f => f.Push.Entries.Entries_));
    }

    [Fact]
    public async Task Presence_is_visible_to_accounts_sharing_a_conversation_and_follows_connect_and_disconnect()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using var stranger = await _node.ConnectNewDeviceAsync();
        await using (var alice = await WireClient.ConnectDeviceAsync(_node, aliceCredentials))
        {
            await alice.SendMessageAsync(peer: bob.Credentials!.AccountId);

            var now = (await bob.RequestAsync(Subscribe(aliceCredentials.AccountId))).Presence.Presence;
            var hidden = (await stranger.RequestAsync(Subscribe(aliceCredentials.AccountId))).Presence.Presence;

            Assert.True(Assert.Single(now).Online);
            Assert.Empty(hidden); // no shared conversation: the same answer as for an account that does not exist
        }

        var offline = (await bob.ReceivePushAsync(p => p.Presence is not null)).Presence;
        Assert.Equal(aliceCredentials.AccountId, offline.AccountId);
        Assert.False(offline.Online);
        Assert.InRange((long)offline.LastSeenMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
        Assert.DoesNotContain(await stranger.ReceiveAllAsync(Quiet), f => f.Push?.Presence is not null);

        await using var aliceAgain = await WireClient.ConnectDeviceAsync(_node, aliceCredentials);
        Assert.True((await bob.ReceivePushAsync(p => p.Presence is not null)).Presence.Online);
    }

    [Fact]
    public async Task A_heartbeat_timeout_shows_the_device_offline()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:HeartbeatMinInterval"] = "00:00:00.100",
            ["Gateway:HeartbeatMaxInterval"] = "00:00:00.300",
            ["Gateway:HeartbeatTimeout"] = "00:00:01",
        });
        var aliceCredentials = await node.RegisterAsync();
        await using var alice = await WireClient.ConnectDeviceAsync(node, aliceCredentials);
        await using var bob = await node.ConnectNewDeviceAsync();
        await alice.SendMessageAsync(peer: bob.Credentials!.AccountId);
        await bob.RequestAsync(Subscribe(aliceCredentials.AccountId));

        // Bob keeps pinging; Alice goes silent (her phone lost its network without a close).
        Push? offline = null;
        for (var i = 0; i < 20 && offline is null; i++)
        {
            await bob.SendAsync(new ClientFrame { Ping = new Ping() });
            try
            {
                offline = await bob.ReceivePushAsync(p => p.Presence is not null, TimeSpan.FromMilliseconds(250));
            }
            catch (TimeoutException)
            {
                // not yet
            }
        }

        Assert.NotNull(offline);
        Assert.False(offline.Presence.Online);
    }

    [Fact]
    public async Task The_privacy_setting_hides_last_seen()
    {
        var aliceCredentials = await _node.RegisterAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();
        await using (var alice = await WireClient.ConnectDeviceAsync(_node, aliceCredentials))
        {
            await alice.SendMessageAsync(peer: bob.Credentials!.AccountId);
            Assert.NotNull((await alice.RequestAsync(new Request { SetPrivacy = new SetPrivacy { HideLastSeen = true } })).Ok);
            await bob.RequestAsync(Subscribe(aliceCredentials.AccountId));
        }

        var offline = (await bob.ReceivePushAsync(p => p.Presence is not null)).Presence;
        Assert.False(offline.Online);
        Assert.True(offline.LastSeenHidden);
        Assert.Equal(0ul, offline.LastSeenMs);
    }

    private static Request Subscribe(string accountId) => new() { SubscribePresence = new SubscribePresence { AccountIds = { accountId } } };
}

/// <summary>Typing and presence with delivery through the account actors, as in a cluster.</summary>
public sealed class PresenceAndTypingThroughAccountActorsTests : PresenceAndTypingTests
{
    protected override Dictionary<string, string> Settings => new() { ["Delivery:LocalOnly"] = "false" };
}
