using Google.Protobuf;
using Parley.Client.Content;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class TimelineTests
{
    private const string Me = "me";
    private static readonly ConversationRecord Conversation = new("d_x", ConversationKind.Direct, "", [new MemberRecord(Me, "+1", MemberRole.Member, 0, 0), new MemberRecord("bob", "+2", MemberRole.Member, 2, 1)], 0, 2, 1);

    private static StoredEntry Entry(ulong seq, string sender, MessageContent content, byte id) =>
        new("d_x", seq, (ulong)(1_700_000_000_000L << 16) + seq, sender, 1, Id(id), EntryKind.Message, content.ToByteArray());

    private static byte[] Id(byte n) => [.. Enumerable.Repeat(n, 16)];

    [Fact]
    public void Texts_become_rows_with_ticks_for_own_messages()
    {
        var rows = Timeline.Fold(
            [Entry(1, Me, MessageContents.Text("one"), 1), Entry(2, "bob", MessageContents.Text("two", replyTo: Id(1)), 2), Entry(3, Me, MessageContents.Text("three"), 3)],
            [],
            Conversation,
            Me);

        Assert.Equal(
            [(1ul, "one", MessageStatus.Read), (2ul, "two", MessageStatus.Received), (3ul, "three", MessageStatus.Sent)],
            rows.Select(r => (r.Seq, r.Text, r.Status)));
        Assert.Equal(Id(1), rows[1].ReplyTo);
    }

    [Fact]
    public void Edits_and_deletions_apply_only_from_the_author()
    {
        var rows = Timeline.Fold(
            [
                Entry(1, Me, MessageContents.Text("typo"), 1),
                Entry(2, "bob", MessageContents.Edit(Id(1), "bob cannot edit this"), 2),
                Entry(3, Me, MessageContents.Edit(Id(1), "fixed"), 3),
                Entry(4, "bob", MessageContents.Text("bob's"), 4),
                Entry(5, Me, MessageContents.Delete(Id(4)), 5),
                Entry(6, Me, MessageContents.Text("regret"), 6),
                Entry(7, Me, MessageContents.Delete(Id(6)), 7),
                Entry(8, Me, MessageContents.Edit(Id(6), "too late"), 8),
            ],
            [],
            Conversation,
            Me);

        Assert.Equal(
            [("fixed", true, false), ("bob's", false, false), ("", false, true)],
            rows.Select(r => (r.Text, r.Edited, r.Deleted)));
    }

    [Fact]
    public void Each_member_keeps_one_reaction_and_an_empty_one_takes_it_back()
    {
        var rows = Timeline.Fold(
            [
                Entry(1, Me, MessageContents.Text("news"), 1),
                Entry(2, "bob", MessageContents.Reaction(Id(1), "👍"), 2),
                Entry(3, Me, MessageContents.Reaction(Id(1), "🎉"), 3),
                Entry(4, "bob", MessageContents.Reaction(Id(1), "❤️"), 4),
                Entry(5, Me, MessageContents.Reaction(Id(1), ""), 5),
            ],
            [],
            Conversation,
            Me);

        var row = Assert.Single(rows);
        Assert.Equal(new Dictionary<string, string> { ["bob"] = "❤️" }, row.Reactions);
    }

    [Fact]
    public void Membership_changes_unreadable_entries_and_unknown_content_are_rows_too_and_the_outbox_follows_pending()
    {
        var created = new MembershipChange { Kind = MembershipChange.Types.Kind.Created, Name = "g", AccountIds = { Me, "bob" } };
        var rows = Timeline.Fold(
            [
                new StoredEntry("d_x", 1, 1, Me, 1, [], EntryKind.Membership, created.ToByteArray()),
                new StoredEntry("d_x", 2, 2, "bob", 1, Id(2), EntryKind.Message, [], Unreadable: true),
                new StoredEntry("d_x", 3, 3, "bob", 1, Id(3), EntryKind.Message, [0x9a, 0x06, 0x00]), // field 99: a kind from a newer client
            ],
            [
                new OutboxItem(7, "d_x", null, Id(7), MessageContents.Text("waiting").ToByteArray(), 1),
                new OutboxItem(8, "d_x", null, Id(8), MessageContents.Text("refused").ToByteArray(), 2, new OutboxFailure(ErrorCode.LimitExceeded, "too big")),
                new OutboxItem(9, "d_other", null, Id(9), MessageContents.Text("elsewhere").ToByteArray(), 3),
            ],
            Conversation,
            Me);

        Assert.Equal(
            [(MessageKind.Membership, 1ul, MessageStatus.Read), (MessageKind.Unreadable, 2ul, MessageStatus.Received), (MessageKind.Unsupported, 3ul, MessageStatus.Received),
             (MessageKind.Text, 0ul, MessageStatus.Pending), (MessageKind.Text, 0ul, MessageStatus.Failed)],
            rows.Select(r => (r.Kind, r.Seq, r.Status)));
        Assert.Equal(MembershipChange.Types.Kind.Created, rows[0].Membership!.Kind);
    }
}
