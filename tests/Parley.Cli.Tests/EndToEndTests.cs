using System.Text.Json;
using Parley.Cli.Tests.Support;
using Parley.Testing;

namespace Parley.Cli.Tests;

/// <summary>
/// The real `parley` command against a real node: three people register, two exchange messages both
/// ways, all three talk in a group, and every profile's `history --json` shows the same log in the
/// same order with each message's receipts.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly Profiles _profiles = new();
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _profiles.Dispose();
    }

    [Fact]
    public async Task Two_people_talk_both_ways_and_three_in_a_group_and_every_history_agrees_with_receipts()
    {
        var registered = await Task.WhenAll(_profiles.RegisterAsync(_node, "alice"), _profiles.RegisterAsync(_node, "bob"), _profiles.RegisterAsync(_node, "carol"));
        var ((alice, alicePhone), (bob, bobPhone), (carol, carolPhone)) = (registered[0], registered[1], registered[2]);

        // 1:1, both ways. Each send exits 0 only with the seq the node stored it at.
        Assert.Equal(1, (await alice.JsonAsync("send", bobPhone, "hello bob")).GetProperty("seq").GetInt32());
        Assert.Equal(2, (await bob.JsonAsync("send", alicePhone, "hello", "alice")).GetProperty("seq").GetInt32());
        Assert.Equal(3, (await alice.JsonAsync("send", bobPhone, "how are you?")).GetProperty("seq").GetInt32());
        await bob.JsonAsync("read", alicePhone);

        // A group of three.
        var group = (await alice.JsonAsync("group", "create", "friends", bobPhone, carolPhone)).GetProperty("id").GetString()!;
        Assert.StartsWith("g_", group);
        await alice.JsonAsync("send", group, "hi all");
        await bob.JsonAsync("send", group, "hi from bob");
        await carol.JsonAsync("send", group, "hi from carol");
        await bob.JsonAsync("read", group);
        await carol.JsonAsync("read", group);
        var groups = await carol.JsonAsync("groups");
        Assert.Equal([group], groups.EnumerateArray().Select(g => g.GetProperty("id").GetString()));

        // The 1:1 as each side sees it: the same log, with ticks for own messages.
        var direct = new[] { (1, alicePhone, "hello bob"), (2, bobPhone, "hello alice"), (3, alicePhone, "how are you?") };
        var aliceView = await HistoryAsync(alice, bobPhone, rows => Status(rows, 3) == "read");
        var bobView = await HistoryAsync(bob, alicePhone, rows => Status(rows, 2) == "delivered");
        Assert.Equal(direct, Log(aliceView));
        Assert.Equal(direct, Log(bobView));
        Assert.Equal(["read", "received", "read"], aliceView.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(["received", "delivered", "received"], bobView.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal((true, false), Receipt(bobView, 2, alicePhone)); // alice's devices have it; she has not read it

        // The group as each member sees it: the same order; receipts per member.
        var expected = new[] { (2, alicePhone, "hi all"), (3, bobPhone, "hi from bob"), (4, carolPhone, "hi from carol") };
        var views = new List<JsonElement[]>();
        foreach (var member in new[] { alice, bob, carol })
        {
            var view = await HistoryAsync(member, group, rows => Receipt(rows, 4, alicePhone).Delivered);
            Assert.Equal("membership", view[0].GetProperty("kind").GetString());
            Assert.Equal(expected, Log(view.Skip(1)));
            views.Add(view);
        }
        Assert.Equal("read", Status(views[0], 2));       // bob and carol read alice's "hi all"
        Assert.Equal("delivered", Status(views[1], 3));  // alice has bob's message but has not read it
        Assert.Equal("delivered", Status(views[2], 4));
        Assert.Equal((true, true), Receipt(views[1], 3, carolPhone));
        Assert.Equal((true, false), Receipt(views[1], 3, alicePhone));
    }

    /// <summary>`history --json`, asked again until <paramref name="settled"/> (receipts travel on their own).</summary>
    private static async Task<JsonElement[]> HistoryAsync(ParleyCommand parley, string to, Func<JsonElement[], bool> settled) =>
        await Eventually.MatchAsync(
            async () => (await parley.JsonAsync("history", to)).EnumerateArray().ToArray(),
            settled,
            $"history of {to} in {parley.Profile}",
            TimeSpan.FromSeconds(20));

    private static IEnumerable<(int Seq, string Sender, string Text)> Log(IEnumerable<JsonElement> rows) => rows.Select(r => (
        r.GetProperty("seq").GetInt32(),
        r.GetProperty("sender").GetProperty("phone_number").GetString()!,
        r.GetProperty("text").GetString()!)).ToList();

    private static string? Status(JsonElement[] rows, int seq) =>
        rows.Single(r => r.GetProperty("seq").GetInt32() == seq).GetProperty("status").GetString();

    private static (bool Delivered, bool Read) Receipt(JsonElement[] rows, int seq, string phone)
    {
        var receipt = rows.Single(r => r.GetProperty("seq").GetInt32() == seq).GetProperty("receipts").EnumerateArray()
            .Single(r => r.GetProperty("phone_number").GetString() == phone);
        return (receipt.GetProperty("delivered").GetBoolean(), receipt.GetProperty("read").GetBoolean());
    }
}
