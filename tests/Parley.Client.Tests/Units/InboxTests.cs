using Google.Protobuf;
using Parley.Client.Messaging;
using Parley.Client.Sealing;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class InboxTests
{
    private readonly InMemoryLocalStore _store = new();

    private static Entry Entry(string conversation, ulong seq, string text = "x", string sender = "bob", uint device = 1) => new()
    {
        ConversationId = conversation,
        Seq = seq,
        Timestamp = seq,
        SenderAccountId = sender,
        SenderDeviceId = device,
        ClientMessageId = ByteString.CopyFrom([.. Enumerable.Repeat((byte)seq, 16)]),
        Payload = ByteString.CopyFromUtf8(text),
    };

    [Fact]
    public async Task New_entries_are_stored_once_and_acknowledged_up_to_the_highest_seq_per_conversation()
    {
        var inbox = new Inbox(_store, PlaintextSealer.Instance);

        var (added, ack) = await inbox.AcceptAsync([Entry("a", 1), Entry("a", 2), Entry("b", 1), Entry("a", 2)], default);

        Assert.Equal([("a", 1ul), ("a", 2ul), ("b", 1ul)], added.Select(e => (e.ConversationId, e.Seq)));
        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 2, ["b"] = 1 }, ack);
        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 2, ["b"] = 1 }, await _store.GetCursorsAsync());
        Assert.Equal((4L, 1L), (inbox.Received, inbox.Duplicates));
    }

    [Fact]
    public async Task A_replay_below_the_cursor_or_of_stored_entries_adds_nothing_opens_nothing_but_is_still_acknowledged()
    {
        var sealer = new CountingSealer();
        var inbox = new Inbox(_store, sealer);
        await inbox.AcceptAsync([Entry("a", 1), Entry("a", 2)], default);
        // seq 3 was stored from the answer to this device's own send, before the log delivered it.
        await _store.AddEntriesAsync([new StoredEntry("a", 3, 3, "me", 1, new byte[16], EntryKind.Message, [1])]);
        var opened = sealer.Opened;

        var (added, ack) = await inbox.AcceptAsync([Entry("a", 1), Entry("a", 2), Entry("a", 3)], default);

        Assert.Empty(added);
        Assert.Equal(opened, sealer.Opened);
        Assert.Equal(3ul, ack["a"]);
        Assert.Equal(3ul, (await _store.GetCursorsAsync())["a"]);
    }

    [Fact]
    public async Task Entries_this_device_sent_take_their_content_from_the_outbox_and_unreadable_ones_are_marked()
    {
        var inbox = new Inbox(_store, new RefusingSealer(), entry => entry.SenderAccountId == "me" && entry.SenderDeviceId == 1 ? [42] : null);

        var (added, _) = await inbox.AcceptAsync([Entry("a", 1, sender: "me", device: 1), Entry("a", 2, sender: "me", device: 2)], default);

        Assert.Equal([42], added[0].Body);
        Assert.False(added[0].Unreadable);
        Assert.True(added[1].Unreadable);
    }

    [Fact]
    public async Task Membership_changes_are_kept_as_they_are()
    {
        var inbox = new Inbox(_store, new RefusingSealer());
        var change = new MembershipChange { Kind = MembershipChange.Types.Kind.Added, AccountIds = { "dave" } };

        var (added, _) = await inbox.AcceptAsync([new Entry { ConversationId = "g", Seq = 5, SenderAccountId = "bob", Membership = change }], default);

        Assert.Equal(EntryKind.Membership, added.Single().Kind);
        Assert.Equal(change, MembershipChange.Parser.ParseFrom(added.Single().Body));
    }

    private sealed class CountingSealer : IPayloadSealer
    {
        public int Opened { get; private set; }

        public ValueTask<SealedPayload> SealAsync(SealingContext context, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<byte[]?> OpenAsync(Entry entry, CancellationToken cancellationToken)
        {
            Opened++;
            return ValueTask.FromResult<byte[]?>(entry.Payload.ToByteArray());
        }
    }

    /// <summary>A sealer that can open nothing, as an encrypting one facing a message without a payload for this device.</summary>
    private sealed class RefusingSealer : IPayloadSealer
    {
        public ValueTask<SealedPayload> SealAsync(SealingContext context, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<byte[]?> OpenAsync(Entry entry, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);
    }
}
