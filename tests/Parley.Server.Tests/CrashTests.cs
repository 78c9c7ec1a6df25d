using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// Durability under a crash: the node runs as its own process and is killed with SIGKILL under a
/// steady send load, then restarted on the same data.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_message_acknowledged_before_a_SIGKILL_reaches_every_recipient_device_exactly_once_in_order()
    {
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:SendRatePerSecond"] = "100000",
            ["Gateway:SendBurst"] = "100000",
        });
        var alice = await node.RegisterAsync();
        var bob = await node.RegisterAsync();
        var carol = await node.RegisterAsync();
        string group;
        TestCredentials carolLaptop;
        await using (var admin = await WireClient.ConnectDeviceAsync(node, alice))
        await using (var carolPhone = await WireClient.ConnectDeviceAsync(node, carol))
        {
            var create = new CreateGroup { Name = "crash", MemberAccountIds = { bob.AccountId, carol.AccountId } };
            group = (await admin.RequestAsync(new Request { CreateGroup = create })).Conversation.Id;
            carolLaptop = await node.LinkDeviceAsync(carolPhone);
        }
        var recipients = new[] { bob, carol, carolLaptop }.Select(c => new ResilientDevice(node, c)).ToList();
        var senders = new[] { new ResilientSender(node, alice, group, "a"), new ResilientSender(node, bob, group, "b") };
        foreach (var sender in senders)
        {
            sender.Start();
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var acknowledgedBeforeCrash = senders.SelectMany(s => s.Acknowledged).ToList();
        await node.KillAsync();
        await node.StartAgainAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        foreach (var sender in senders)
        {
            await sender.StopAsync();
        }

        var acknowledged = senders.SelectMany(s => s.Acknowledged).ToList();
        var head = acknowledged.Max(a => a.Seq);
        // Every device has caught up once it has received the last entry someone else sent.
        var lastFromOthers = recipients.Select(r => acknowledged.Where(a => r != recipients[0] || !senders[1].Acknowledged.Contains(a)).Max(a => a.Seq)).ToList();
        await WaitUntilAsync(() => recipients.Select((r, i) => r.CursorOf(group) >= lastFromOthers[i]).All(x => x), TimeSpan.FromSeconds(30));
        foreach (var recipient in recipients)
        {
            await recipient.DisposeAsync();
        }

        output.WriteLine($"acknowledged before the kill: {acknowledgedBeforeCrash.Count}, in all: {acknowledged.Count}, head seq {head}; " +
            $"received per device (with duplicates): {string.Join(", ", recipients.Select(r => r.Received.Count))}");
        Assert.True(acknowledgedBeforeCrash.Count >= 20, "a steady load was running when the node was killed");
        Assert.True(acknowledged.Count > acknowledgedBeforeCrash.Count, "sending resumed after the restart");
        var ownSends = new Dictionary<ResilientDevice, List<(string Text, ulong Seq)>> { [recipients[0]] = senders[1].Acknowledged };
        foreach (var recipient in recipients)
        {
            // What a device received, plus its own sends (a device is not sent its own messages back).
            var own = ownSends.GetValueOrDefault(recipient, []).Select(s => new Entry { ConversationId = group, Seq = s.Seq, Payload = Google.Protobuf.ByteString.CopyFromUtf8(s.Text) });
            var received = recipient.Received.Where(e => e.ConversationId == group).Concat(own).OrderBy(e => e.Seq).ToList();
            // Deduplicated by (conversation, seq), the log is 1..head with nothing missing, in the order received.
            var deduplicated = received.DistinctBy(e => e.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (ulong)i), deduplicated.Select(e => e.Seq));
            // A duplicate delivery is the same entry, never a different one under the same seq.
            Assert.All(received.GroupBy(e => e.Seq), g => Assert.Single(g.Select(e => e.Payload.ToStringUtf8()).Distinct()));
            var texts = deduplicated.Where(e => e.Membership is null).Select(e => e.Payload.ToStringUtf8()).ToList();
            // Every acknowledged message is there exactly once, at the seq its sender was told...
            foreach (var (text, seq) in acknowledged)
            {
                Assert.Equal(text, deduplicated.Single(e => e.Seq == seq).Payload.ToStringUtf8());
            }
            // ...and no message was stored twice (a retry never appends again).
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the recipients did not catch up in time");
            }
            await Task.Delay(50);
        }
    }
}
