using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class ReceiptBookTests
{
    private const string Me = "me";

    private static ConversationRecord Conversation(params string[] others) => new(
        "g_x", ConversationKind.Group, "g", [new MemberRecord(Me, "+1", MemberRole.Admin, 0, 0), .. others.Select(o => new MemberRecord(o, "+2", MemberRole.Member, 0, 0))], 0);

    [Fact]
    public void In_a_one_to_one_a_message_is_delivered_then_read_when_the_other_side_says_so()
    {
        var conversation = Conversation("bob");
        Assert.Equal(MessageStatus.Sent, ReceiptBook.StatusOf(conversation, 3));

        conversation = ReceiptBook.Apply(conversation, "bob", ReceiptKind.Delivered, 3, Me);
        Assert.Equal((MessageStatus.Delivered, MessageStatus.Sent), (ReceiptBook.StatusOf(conversation, 3), ReceiptBook.StatusOf(conversation, 4)));

        conversation = ReceiptBook.Apply(conversation, "bob", ReceiptKind.Read, 4, Me);
        Assert.Equal((MessageStatus.Read, MessageStatus.Read), (ReceiptBook.StatusOf(conversation, 3), ReceiptBook.StatusOf(conversation, 4)));
    }

    [Fact]
    public void In_a_group_every_other_member_must_have_it_and_read_it()
    {
        var conversation = Conversation("bob", "carol");
        conversation = ReceiptBook.Apply(conversation, "bob", ReceiptKind.Read, 5, Me);
        Assert.Equal(MessageStatus.Sent, ReceiptBook.StatusOf(conversation, 5));

        conversation = ReceiptBook.Apply(conversation, "carol", ReceiptKind.Delivered, 5, Me);
        Assert.Equal(MessageStatus.Delivered, ReceiptBook.StatusOf(conversation, 5));

        conversation = ReceiptBook.Apply(conversation, "carol", ReceiptKind.Read, 5, Me);
        Assert.Equal(MessageStatus.Read, ReceiptBook.StatusOf(conversation, 5));
    }

    [Fact]
    public void My_own_receipts_do_not_count_and_a_note_to_self_stays_sent()
    {
        var notes = new ConversationRecord("d_x", ConversationKind.Direct, "", [new MemberRecord(Me, "+1", MemberRole.Member, 0, 0)], 0);
        notes = ReceiptBook.Apply(notes, Me, ReceiptKind.Read, 9, Me);
        Assert.Equal(MessageStatus.Sent, ReceiptBook.StatusOf(notes, 9));

        var conversation = ReceiptBook.Apply(Conversation("bob"), Me, ReceiptKind.Read, 9, Me);
        Assert.Equal(MessageStatus.Sent, ReceiptBook.StatusOf(conversation, 9));
    }

    [Fact]
    public void Ticks_never_move_back_when_a_member_joins_with_low_watermarks()
    {
        var conversation = ReceiptBook.Apply(Conversation("bob"), "bob", ReceiptKind.Read, 10, Me);
        var joined = conversation with { Members = [.. conversation.Members, new MemberRecord("dave", "+4", MemberRole.Member, 0, 0)] };
        joined = ReceiptBook.Advance(joined, Me);

        Assert.Equal(MessageStatus.Read, ReceiptBook.StatusOf(joined, 10));
        Assert.Equal(MessageStatus.Sent, ReceiptBook.StatusOf(joined, 11)); // sent after dave joined: waits for him too
    }

    [Fact]
    public void Merging_the_nodes_view_keeps_the_higher_watermark_of_each_member_and_reports_what_changed()
    {
        var local = ReceiptBook.Apply(Conversation("bob"), "bob", ReceiptKind.Delivered, 7, Me);
        var remote = new Conversation { Id = "g_x", Kind = ConversationKind.Group, Name = "renamed", HeadSeq = 9 };
        remote.Members.Add(new Member { AccountId = Me, PhoneNumber = "+1", Role = MemberRole.Admin });
        remote.Members.Add(new Member { AccountId = "bob", PhoneNumber = "+2", DeliveredSeq = 5, ReadSeq = 6 });

        var merged = ReceiptBook.Merge(local, remote, Me);

        Assert.Equal(("renamed", 9ul), (merged.Name, merged.HeadSeq));
        Assert.Equal((7ul, 6ul), (merged.Member("bob")!.DeliveredSeq, merged.Member("bob")!.ReadSeq));
        Assert.Equal([(MessageStatus.Read, 6ul)], ReceiptBook.Changes(local, merged));
        Assert.Equal([(MessageStatus.Delivered, 7ul), (MessageStatus.Read, 6ul)], ReceiptBook.Changes(null, merged));
    }

    [Fact]
    public void Receipts_per_member_exclude_the_sender()
    {
        var conversation = ReceiptBook.Apply(ReceiptBook.Apply(Conversation("bob", "carol"), "bob", ReceiptKind.Read, 4, Me), "carol", ReceiptKind.Delivered, 4, Me);

        var receipts = ReceiptBook.ReceiptsOf(conversation, 4, "bob");

        Assert.Equal([("me", false, false), ("carol", true, false)], receipts.Select(r => (r.AccountId, r.Delivered, r.Read)));
    }
}
