using Parley.Grains.Conversations;
using MembershipChange = Parley.Protocol.MembershipChange;
using Parley.Storage;
using ConversationKind = Parley.Storage.ConversationKind;
using MemberRole = Parley.Storage.MemberRole;

namespace Parley.Grains.Tests;

public class ConversationTests
{
    private static readonly Guid Alice = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bob = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Carol = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Dave = Guid.Parse("00000000-0000-0000-0000-00000000000d");

    private static byte[] NewId() => Guid.NewGuid().ToByteArray();

    private static Conversation Direct()
    {
        var conversation = Conversation.New(ConversationIds.Direct(Alice, Bob), 8);
        conversation.StartDirect(Alice, Bob, 1000);
        return conversation;
    }

    private static Conversation Group(params Guid[] others)
    {
        var conversation = Conversation.New(ConversationIds.NewGroup(), 8);
        Assert.Equal(ConversationError.None, conversation.CreateGroup(Alice, 1, "g", others, 10, 1000).Error);
        return conversation;
    }

    [Fact]
    public void The_first_append_of_a_direct_conversation_creates_it_with_both_members()
    {
        var conversation = Direct();

        var append = conversation.AppendMessage(Alice, 1, NewId(), [1], null, 1000);

        Assert.Equal(1ul, append.Entry.Seq);
        Assert.Equal(ConversationKind.Direct, append.Created!.Kind);
        Assert.Equal([Alice, Bob], append.MemberChanges.Select(m => m.AccountId).Order());
        Assert.All(append.MemberChanges, m => Assert.Equal(1ul, m.JoinedSeq));
        Assert.Null(conversation.AppendMessage(Bob, 1, NewId(), [2], null, 1000).Created);
    }

    [Fact]
    public void Seqs_have_no_gaps_and_timestamps_strictly_increase_even_when_the_clock_steps_back()
    {
        var conversation = Direct();
        var entries = new[] { 5000L, 5000, 4000, 6000 }.Select(now => conversation.AppendMessage(Alice, 1, NewId(), [1], null, now).Entry).ToList();

        Assert.Equal([1ul, 2ul, 3ul, 4ul], entries.Select(e => e.Seq));
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp));
        Assert.Equal(6000, HybridLogicalClock.ToUnixMilliseconds(entries[3].Timestamp));
    }

    [Fact]
    public void A_client_message_id_is_found_again_for_its_sender_only()
    {
        var conversation = Direct();
        var id = NewId();
        var original = conversation.AppendMessage(Alice, 1, id, [1], null, 1000).Entry;

        Assert.Equal(original.Seq, conversation.FindDuplicate(Alice, (byte[])id.Clone())!.Seq);
        Assert.Null(conversation.FindDuplicate(Bob, id));
    }

    [Fact]
    public void The_dedup_window_forgets_the_oldest_ids()
    {
        var conversation = Direct();
        var first = NewId();
        conversation.AppendMessage(Alice, 1, first, [1], null, 1000);
        for (var i = 0; i < 8; i++)
        {
            conversation.AppendMessage(Alice, 1, NewId(), [1], null, 1000);
        }
        Assert.Null(conversation.FindDuplicate(Alice, first));
    }

    [Fact]
    public void Group_creation_makes_the_creator_admin_and_writes_a_created_entry()
    {
        var conversation = Conversation.New(ConversationIds.NewGroup(), 8);

        var outcome = conversation.CreateGroup(Alice, 1, "friends", [Bob, Carol, Bob], 10, 1000);

        var append = Assert.Single(outcome.Appends);
        Assert.Equal(EntryKind.Membership, append.Entry.Kind);
        var change = MembershipChange.Parser.ParseFrom(append.Entry.Payload);
        Assert.Equal(MembershipChange.Types.Kind.Created, change.Kind);
        Assert.Equal("friends", change.Name);
        Assert.Equal(3, append.MemberChanges.Count);
        Assert.Equal(MemberRole.Admin, append.MemberChanges.Single(m => m.AccountId == Alice).Role);
        Assert.Equal(ConversationKind.Group, append.Created!.Kind);
    }

    [Fact]
    public void Groups_are_limited_in_size()
    {
        var conversation = Conversation.New(ConversationIds.NewGroup(), 8);
        Assert.Equal(ConversationError.LimitExceeded, conversation.CreateGroup(Alice, 1, "big", [Bob, Carol], 2, 1000).Error);

        var group = Group(Bob);
        Assert.Equal(ConversationError.LimitExceeded, group.AddMembers(Alice, 1, [Carol, Dave], 3, 1000).Error);
    }

    [Fact]
    public void Only_admins_add_remove_and_promote_and_non_members_see_no_group()
    {
        var group = Group(Bob);

        Assert.Equal(ConversationError.Forbidden, group.AddMembers(Bob, 1, [Carol], 10, 1000).Error);
        Assert.Equal(ConversationError.Forbidden, group.RemoveMember(Bob, 1, Alice, 1000).Error);
        Assert.Equal(ConversationError.Forbidden, group.PromoteMember(Bob, 1, Bob, 1000).Error);
        Assert.Equal(ConversationError.NotFound, group.AddMembers(Carol, 1, [Dave], 10, 1000).Error);
        Assert.Equal(ConversationError.NotFound, group.Leave(Carol, 1, 1000).Error);
        Assert.Equal(ConversationError.Invalid, group.RemoveMember(Alice, 1, Alice, 1000).Error);
    }

    [Fact]
    public void A_removed_member_sees_the_log_up_to_its_removal_and_a_re_added_one_from_its_return()
    {
        var group = Group(Bob);
        group.AppendMessage(Alice, 1, NewId(), [1], null, 1000);               // 2
        var removal = group.RemoveMember(Alice, 1, Bob, 1000).Appends[0];     // 3
        group.AppendMessage(Alice, 1, NewId(), [1], null, 1000);               // 4

        Assert.Equal(3ul, removal.MemberChanges.Single().LeftSeq);
        Assert.Contains(Bob, group.AudienceOf(2));
        Assert.Contains(Bob, group.AudienceOf(3));
        Assert.DoesNotContain(Bob, group.AudienceOf(4));

        var readd = group.AddMembers(Alice, 1, [Bob], 10, 1000).Appends[0];   // 5
        Assert.Equal((5ul, (ulong?)null), (readd.MemberChanges.Single().JoinedSeq, readd.MemberChanges.Single().LeftSeq));
        Assert.Contains(Bob, group.AudienceOf(5));
        Assert.Throws<InvalidOperationException>(() => Group(Bob).AppendMessage(Carol, 1, NewId(), [1], null, 1000));
    }

    [Fact]
    public void Adding_only_existing_members_appends_nothing()
    {
        var group = Group(Bob);
        var outcome = group.AddMembers(Alice, 1, [Bob, Alice], 10, 1000);
        Assert.Equal(ConversationError.None, outcome.Error);
        Assert.Empty(outcome.Appends);
    }

    [Fact]
    public void The_last_admin_leaving_hands_admin_to_the_longest_standing_member()
    {
        var group = Group(Bob);
        group.AddMembers(Alice, 1, [Carol], 10, 1000);

        var outcome = group.Leave(Alice, 1, 1000);

        Assert.Equal(2, outcome.Appends.Count);
        var promotion = MembershipChange.Parser.ParseFrom(outcome.Appends[1].Entry.Payload);
        Assert.Equal(MembershipChange.Types.Kind.Promoted, promotion.Kind);
        Assert.Equal([Bob.ToString()], promotion.AccountIds);
        Assert.Equal(MemberRole.Admin, group.MemberOf(Bob)!.Role);
    }

    [Fact]
    public void Acks_move_the_device_cursor_and_the_members_delivered_watermark_forward_only()
    {
        var conversation = Direct();
        for (var i = 0; i < 5; i++)
        {
            conversation.AppendMessage(Alice, 1, NewId(), [1], null, 1000);
        }

        var first = conversation.Ack(Bob, 1, 3)!;
        var stale = conversation.Ack(Bob, 1, 2);
        var otherDevice = conversation.Ack(Bob, 2, 2)!;
        var beyondHead = conversation.Ack(Bob, 1, 99)!;
        var stranger = conversation.Ack(Carol, 1, 5);

        Assert.Equal(((ulong, ulong)?)(0ul, 3ul), first.Delivered);
        Assert.Null(stale);
        Assert.Equal(2ul, otherDevice.Cursor.AckedSeq);
        Assert.Null(otherDevice.Delivered); // the member already had 3 delivered
        Assert.Equal((5ul, ((ulong, ulong)?)(3ul, 5ul)), (beyondHead.Cursor.AckedSeq, beyondHead.Delivered));
        Assert.Null(stranger);
    }

    [Fact]
    public void Reading_implies_delivery_and_never_moves_back()
    {
        var conversation = Direct();
        conversation.AppendMessage(Alice, 1, NewId(), [1], null, 1000);
        conversation.AppendMessage(Alice, 1, NewId(), [1], null, 1000);

        var read = conversation.MarkRead(Bob, 2)!;

        Assert.Equal((2ul, 2ul), (read.ReadSeq, read.DeliveredSeq));
        Assert.Null(conversation.MarkRead(Bob, 1));
        Assert.Null(conversation.MarkRead(Carol, 2));
    }

    [Fact]
    public void Delivered_receipts_concern_the_senders_of_the_range_unless_it_is_older_than_memory()
    {
        var group = Group(Bob, Carol);                                       // 1 by Alice
        group.AppendMessage(Bob, 1, NewId(), [1], null, 1000);               // 2 by Bob
        group.AppendMessage(Carol, 1, NewId(), [1], null, 1000);             // 3 by Carol

        Assert.Equal([Alice, Bob], group.SendersBetween(0, 2, except: Carol)!.Order());
        Assert.Equal([Bob], group.SendersBetween(1, 3, except: Carol)!);
        for (var i = 0; i < 10; i++)
        {
            group.AppendMessage(Bob, 1, NewId(), [1], null, 1000);
        }
        Assert.Null(group.SendersBetween(0, 13, except: Carol)); // entry 1 has left the window
    }

    [Fact]
    public void A_loaded_conversation_continues_where_the_stored_one_ended()
    {
        var state = new ConversationState("d_x", ConversationKind.Direct, "", 1000, HeadSeq: 7, HeadTimestamp: HybridLogicalClock.FromUnixMilliseconds(9000),
            [new MemberRecord(Alice, MemberRole.Member, 1, null, 7, 7), new MemberRecord(Bob, MemberRole.Member, 1, null, 3, 0)],
            [new DeviceCursor(Bob, 1, 3)],
            [new RecentEntry(7, HybridLogicalClock.FromUnixMilliseconds(9000), Alice, [9, 9])]);

        var conversation = Conversation.Load(state, 8);
        var next = conversation.AppendMessage(Bob, 1, NewId(), [1], null, 1000).Entry;

        Assert.Equal(8ul, next.Seq);
        Assert.True(next.Timestamp > state.HeadTimestamp);
        Assert.Equal(7ul, conversation.FindDuplicate(Alice, [9, 9])!.Seq);
        Assert.Null(conversation.Ack(Bob, 1, 3));
    }

    [Fact]
    public void Direct_ids_are_the_same_from_both_sides_and_group_ids_are_random()
    {
        Assert.Equal(ConversationIds.Direct(Alice, Bob), ConversationIds.Direct(Bob, Alice));
        Assert.NotEqual(ConversationIds.Direct(Alice, Bob), ConversationIds.Direct(Alice, Carol));
        Assert.True(ConversationIds.IsDirect(ConversationIds.Direct(Alice, Bob)));
        Assert.NotEqual(ConversationIds.NewGroup(), ConversationIds.NewGroup());
        Assert.True(ConversationIds.IsWellFormed(ConversationIds.NewGroup()));
        Assert.False(ConversationIds.IsWellFormed("g_short"));
        Assert.False(ConversationIds.IsWellFormed("x_" + new string('A', 22)));
        Assert.False(ConversationIds.IsWellFormed(null));
    }
}
