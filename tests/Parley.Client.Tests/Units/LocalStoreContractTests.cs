using Parley.Client.Sqlite;
using Parley.Client.Storage;
using Parley.Client.Tests.Support;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

/// <summary>What every <see cref="ILocalStore"/> does, run against each implementation.</summary>
public sealed class LocalStoreContractTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    public void Dispose() => _folder.Dispose();

    private async Task<ILocalStore> OpenAsync(string kind) =>
        kind == "memory" ? new InMemoryLocalStore() : await SqliteLocalStore.OpenAsync(_folder.File("store.db"));

    private static StoredEntry Entry(string conversation, ulong seq, string sender = "bob", byte[]? body = null) =>
        new(conversation, seq, seq << 16, sender, 1, [.. Enumerable.Repeat((byte)seq, 16)], EntryKind.Message, body ?? [(byte)seq]);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_entry_is_kept_once_per_conversation_and_seq(string kind)
    {
        await using var store = await OpenAsync(kind);

        var first = await store.AddEntriesAsync([Entry("a", 1), Entry("a", 2), Entry("b", 1)]);
        var again = await store.AddEntriesAsync([Entry("a", 2, body: [99]), Entry("a", 3)]);

        Assert.Equal(3, first.Count);
        Assert.Equal([("a", 3ul)], again.Select(e => (e.ConversationId, e.Seq)));
        Assert.Equal([(byte)1, (byte)2, (byte)3], (await store.GetEntriesAsync("a", 10)).Select(e => e.Body.Single()));
        Assert.True(await store.HasEntryAsync("b", 1));
        Assert.False(await store.HasEntryAsync("b", 2));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Entries_are_read_newest_last_in_pages_and_unread_messages_are_counted(string kind)
    {
        await using var store = await OpenAsync(kind);
        await store.AddEntriesAsync([.. Enumerable.Range(1, 10).Select(i => Entry("a", (ulong)i, sender: i % 2 == 0 ? "me" : "bob"))]);

        Assert.Equal([8ul, 9ul, 10ul], (await store.GetEntriesAsync("a", 3)).Select(e => e.Seq));
        Assert.Equal([5ul, 6ul, 7ul], (await store.GetEntriesAsync("a", 3, beforeSeq: 8)).Select(e => e.Seq));
        Assert.Equal(3, await store.CountMessagesAsync("a", 4, "me")); // 5, 7, 9
        Assert.Empty(await store.GetEntriesAsync("nothing", 3));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Cursors_only_move_forward(string kind)
    {
        await using var store = await OpenAsync(kind);

        await store.AdvanceCursorsAsync(new Dictionary<string, ulong> { ["a"] = 5, ["b"] = 2 });
        await store.AdvanceCursorsAsync(new Dictionary<string, ulong> { ["a"] = 3, ["b"] = 4 });

        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 5, ["b"] = 4 }, await store.GetCursorsAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_outbox_keeps_order_and_a_completed_message_becomes_an_entry(string kind)
    {
        await using var store = await OpenAsync(kind);
        var one = await store.AddToOutboxAsync(new OutboxItem(0, null, "peer", new byte[16], [1], 10));
        var two = await store.AddToOutboxAsync(new OutboxItem(0, "a", null, [.. Enumerable.Repeat((byte)2, 16)], [2], 11));
        var three = await store.AddToOutboxAsync(new OutboxItem(0, "a", null, [.. Enumerable.Repeat((byte)3, 16)], [3], 12));

        await store.CompleteOutboxAsync(two.Id, Entry("a", 7, sender: "me", body: [2]));
        await store.FailOutboxAsync(three.Id, new OutboxFailure(ErrorCode.LimitExceeded, "too big"));

        Assert.True(one.Id < two.Id && two.Id < three.Id);
        var outbox = await store.GetOutboxAsync();
        Assert.Equal([(one.Id, (string?)null, (string?)"peer", (OutboxFailure?)null), (three.Id, "a", null, new OutboxFailure(ErrorCode.LimitExceeded, "too big"))],
            outbox.Select(i => (i.Id, i.ConversationId, i.PeerAccountId, i.Failure)));
        Assert.Equal([2], (await store.GetEntriesAsync("a", 1)).Single().Body);
        await store.RemoveFromOutboxAsync(one.Id);
        Assert.Single(await store.GetOutboxAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Conversations_keep_their_members_in_order_with_watermarks_and_the_identity_is_kept(string kind)
    {
        await using var store = await OpenAsync(kind);
        var conversation = new ConversationRecord("g_a", ConversationKind.Group, "friends",
            [new MemberRecord("me", "+1", MemberRole.Admin, 3, 2), new MemberRecord("bob", "+2", MemberRole.Member, 5, 1)], 9, 3, 1);
        var identity = new DeviceIdentity("me", 2, [.. Enumerable.Repeat((byte)7, 32)], "+1", new Uri("http://127.0.0.1:8080/"));

        await store.PutConversationAsync(conversation);
        await store.PutConversationAsync(conversation with { Name = "renamed", Members = [conversation.Members[1]] });
        await store.SetIdentityAsync(identity);

        var stored = (await store.GetConversationAsync("g_a"))!;
        Assert.Equal(("renamed", 9ul, 3ul, 1ul), (stored.Name, stored.HeadSeq, stored.DeliveredUpTo, stored.ReadUpTo));
        Assert.Equal([conversation.Members[1]], stored.Members);
        Assert.Null(await store.GetConversationAsync("g_b"));
        Assert.Single(await store.GetConversationsAsync());
        var kept = (await store.GetIdentityAsync())!;
        Assert.Equal((identity.AccountId, identity.DeviceId, identity.PhoneNumber, identity.Server), (kept.AccountId, kept.DeviceId, kept.PhoneNumber, kept.Server));
        Assert.Equal(identity.Token, kept.Token);
    }

    [Fact]
    public async Task The_sqlite_store_keeps_everything_across_a_reopen()
    {
        await using (var store = await SqliteLocalStore.OpenAsync(_folder.File("reopen.db")))
        {
            await store.AddEntriesAsync([Entry("a", 1)]);
            await store.AdvanceCursorsAsync(new Dictionary<string, ulong> { ["a"] = 1 });
            await store.AddToOutboxAsync(new OutboxItem(0, "a", null, new byte[16], [5], 1));
        }

        await using var reopened = await SqliteLocalStore.OpenAsync(_folder.File("reopen.db"));
        Assert.Equal(1ul, (await reopened.GetCursorsAsync())["a"]);
        Assert.Single(await reopened.GetEntriesAsync("a", 5));
        Assert.Equal([5], (await reopened.GetOutboxAsync()).Single().Content);
    }
}
