using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Parley.Protocol;
using Parley.Testing;
using Parley.Storage.Sqlite;

namespace Parley.Server.Tests;

/// <summary>The per-account send rate limit and retention of acknowledged entries.</summary>
public sealed class LimitsAndRetentionTests
{
    [Fact]
    public async Task Sends_beyond_the_accounts_rate_are_refused_with_a_retry_time_and_others_are_unaffected()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:SendRatePerSecond"] = "10",
            ["Gateway:SendBurst"] = "5",
        });
        await using var alice = await node.ConnectNewDeviceAsync();
        await using var bob = await node.ConnectNewDeviceAsync();

        var started = DateTime.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => alice.SendMessageAsync(peer: bob.Credentials!.AccountId)));
        var elapsed = DateTime.UtcNow - started;
        var bobMeanwhile = await bob.SendMessageAsync(peer: alice.Credentials!.AccountId);

        var accepted = results.Count(r => r.Send is not null);
        var limited = results.Where(r => r.Error is not null).Select(r => r.Error).ToList();
        Assert.InRange(accepted, 5, 5 + (int)Math.Ceiling(elapsed.TotalSeconds * 10) + 1); // the burst, plus what the rate refilled meanwhile
        Assert.NotEmpty(limited);
        Assert.All(limited, e => Assert.Equal(ErrorCode.RateLimited, e.Code));
        Assert.All(limited, e => Assert.InRange(e.RetryAfterMs, 1u, 1000u));
        Assert.NotNull(bobMeanwhile.Send);
    }

    [Fact]
    public async Task Entries_are_deleted_only_after_every_member_device_acknowledged_them_and_the_window_passed()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Conversations:Retention"] = "00:00:00",
            ["Conversations:RetentionSweepInterval"] = "00:00:00.200",
        });
        await using var alice = await node.ConnectNewDeviceAsync();
        var bob = await node.RegisterAsync();
        var conversation = (await alice.SendMessageAsync(peer: bob.AccountId)).Send.ConversationId;
        await alice.SendMessageAsync(conversationId: conversation);
        // A device acknowledges its own sends too, once everything before them is stored.
        await alice.AckAsync([new Entry { ConversationId = conversation, Seq = 2 }]);

        await Task.Delay(600); // several sweeps
        Assert.Equal(2, CountEntries(node, conversation)); // Bob's device has not acknowledged them

        await using (var bobDevice = await WireClient.ConnectDeviceAsync(node, bob, awaitCaughtUp: false))
        {
            await bobDevice.ReceiveEntriesAsync(2, ack: true);
            for (var i = 0; i < 30 && CountEntries(node, conversation) > 0; i++)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(0, CountEntries(node, conversation));
        // The log goes on from where it was.
        Assert.Equal(3ul, (await alice.SendMessageAsync(conversationId: conversation)).Send.Seq);
    }

    private static long CountEntries(TestNode node, string conversation) =>
        node.Services.GetRequiredService<SqliteDatabase>().Read(c =>
        {
            using var command = new SqliteCommand("SELECT count(*) FROM entries e JOIN conversations v ON v.key = e.conversation WHERE v.id = $c", c);
            command.Parameters.AddWithValue("$c", conversation);
            return (long)command.ExecuteScalar()!;
        });
}
