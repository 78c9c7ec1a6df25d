using Parley.Server.Gateway;
using Parley.Storage;

namespace Parley.Server.Tests;

/// <summary>The per-connection rules for meeting replay and live delivery, without a network.</summary>
public class DeviceFeedTests
{
    private const string C = "d_conversation";
    private const long Grace = 50;

    private static LogEntry Entry(ulong seq, string conversation = C) =>
        new(conversation, seq, seq, Guid.Empty, 1, null, EntryKind.Message, [1], false, null);

    private static List<LogEntry> Entries(ulong from, ulong to) =>
        Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => Entry((ulong)i)).ToList();

    /// <summary>Feeds a live entry at time <paramref name="now"/>; returns the seqs that go out.</summary>
    private static List<ulong> Live(DeviceFeed feed, LogEntry entry, long now = 0)
    {
        var send = new List<LogEntry>();
        feed.OnLive(entry, now, send);
        return send.Select(e => e.Seq).ToList();
    }

    private static List<ulong> Own(DeviceFeed feed, ulong seq, string conversation = C, long now = 0)
    {
        var send = new List<LogEntry>();
        feed.OnOwn(conversation, seq, now, send);
        return send.Select(e => e.Seq).ToList();
    }

    [Fact]
    public void Nothing_goes_out_before_the_start_and_what_came_earlier_is_caught_up_from_the_store()
    {
        var feed = new DeviceFeed(pageSize: 10, window: 100);
        Assert.Empty(Live(feed, Entry(1)));
        Assert.Null(feed.NextWork());

        feed.Start([new SyncPosition(C, 0, 0)]);

        var work = feed.NextWork()!;
        Assert.Equal((FeedWorkKind.ReadPage, 0ul), (work.Kind, work.AfterSeq));
    }

    [Fact]
    public void A_conversation_at_its_head_goes_live_and_sends_the_next_seq_at_once()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Assert.True(feed.TakeCaughtUp());
        Assert.Equal([6ul], Live(feed, Entry(6)));
        Assert.Empty(Live(feed, Entry(6)));  // duplicate
        Assert.Empty(Live(feed, Entry(4)));  // old
        Assert.Null(feed.NextWork());
    }

    [Fact]
    public void An_entry_that_overtook_an_older_one_waits_for_it_and_both_go_out_in_order()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Assert.Empty(Live(feed, Entry(7), now: 0));
        Assert.True(feed.HasGaps);
        Assert.Equal([6ul, 7ul], Live(feed, Entry(6), now: 10));
        Assert.False(feed.HasGaps);
        Assert.Null(feed.NextWork());               // no store read was needed
    }

    [Fact]
    public void A_gap_that_does_not_close_in_time_is_repaired_from_the_store()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Live(feed, Entry(7), now: 0);
        Live(feed, Entry(8), now: 5);
        feed.ExpireGaps(now: Grace - 1, Grace);
        Assert.Null(feed.NextWork());               // still within the grace period
        feed.ExpireGaps(now: Grace, Grace);

        var work = feed.NextWork()!;
        Assert.Equal(5ul, work.AfterSeq);
        Assert.Empty(Live(feed, Entry(9)));         // catching up: it is in the store
        var sent = feed.OnPage(C, Entries(6, 9), work.Limit);
        Assert.Equal([6ul, 7ul, 8ul, 9ul], sent.Select(e => e.Seq));
        Assert.Equal([10ul], Live(feed, Entry(10))); // live again
    }

    [Fact]
    public void Too_many_entries_waiting_behind_a_gap_go_to_the_store_at_once()
    {
        var feed = new DeviceFeed(10, 1000, reorderCapacity: 3);
        feed.Start([new SyncPosition(C, 0, 0)]);

        foreach (var seq in new ulong[] { 2, 3, 4, 5 })
        {
            Live(feed, Entry(seq));
        }

        var work = feed.NextWork()!;
        Assert.Equal((FeedWorkKind.ReadPage, 0ul), (work.Kind, work.AfterSeq));
        Assert.False(feed.HasGaps);
    }

    [Fact]
    public void A_backlog_comes_in_pages_and_pauses_when_a_window_is_unacknowledged()
    {
        var feed = new DeviceFeed(pageSize: 10, window: 25);
        feed.Start([new SyncPosition(C, 0, 100)]);
        var sent = new List<LogEntry>();

        while (feed.NextWork() is { } work)
        {
            sent.AddRange(feed.OnPage(C, Entries(work.AfterSeq + 1, work.AfterSeq + (ulong)work.Limit), work.Limit));
        }

        Assert.Equal(25, sent.Count);               // 10 + 10 + 5: the window is full
        Assert.Equal(25, feed.InFlight);
        Assert.False(feed.TakeCaughtUp());
        feed.OnAck(C, 20);
        var next = feed.NextWork()!;
        Assert.Equal((25ul, 10), (next.AfterSeq, next.Limit));
    }

    [Fact]
    public void A_short_page_means_the_conversation_is_caught_up()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 0, 3)]);
        var work = feed.NextWork()!;

        feed.OnPage(C, Entries(1, 3), work.Limit);

        Assert.True(feed.TakeCaughtUp());
        Assert.False(feed.TakeCaughtUp());          // announced once
        Assert.Equal([4ul], Live(feed, Entry(4)));
    }

    [Fact]
    public void A_page_may_skip_seqs_the_device_may_not_see_and_overlapping_pages_send_nothing_twice()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 0, 20)]);
        var work = feed.NextWork()!;

        var sent = feed.OnPage(C, [Entry(15), Entry(16)], work.Limit);  // joined at 15
        Assert.Equal([15ul, 16ul], sent.Select(e => e.Seq));

        Assert.Empty(Live(feed, Entry(16)));
        Assert.Equal([17ul], Live(feed, Entry(17)));
    }

    [Fact]
    public void A_conversation_first_heard_of_live_is_resolved_from_the_store_before_anything_is_sent()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([]);
        Assert.True(feed.TakeCaughtUp());

        Assert.Empty(Live(feed, Entry(1, "g_new")));
        var resolve = feed.NextWork()!;
        Assert.Equal((FeedWorkKind.ResolvePosition, "g_new"), (resolve.Kind, resolve.ConversationId));
        Assert.Null(feed.NextWork());               // one resolution at a time per conversation

        feed.OnResolved("g_new", new SyncPosition("g_new", 0, 1));
        var read = feed.NextWork()!;
        Assert.Equal((FeedWorkKind.ReadPage, 0ul), (read.Kind, read.AfterSeq));
    }

    [Fact]
    public void Acks_never_count_beyond_what_was_sent()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 0, 0)]);
        Live(feed, Entry(1));

        feed.OnAck(C, 50);
        feed.OnAck("unknown", 5);

        Assert.Equal(0, feed.InFlight);
    }

    [Fact]
    public void The_devices_own_entries_keep_its_stream_gapless_without_being_sent()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Assert.Empty(Own(feed, 6));                  // its own send
        Assert.Equal([7ul], Live(feed, Entry(7)));   // the next one from someone else goes straight out
        Assert.Empty(Live(feed, Entry(6)));          // an echo of its own would be a duplicate
        Assert.Equal(1, feed.InFlight);
    }

    [Fact]
    public void An_own_send_answered_before_the_entry_ahead_of_it_arrived_waits_for_it()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Assert.Empty(Own(feed, 7));                  // 6 (someone else's) is still on its way
        Assert.Equal([6ul], Live(feed, Entry(6)));   // then 6 goes out, 7 is the device's own
        Assert.Equal([8ul], Live(feed, Entry(8)));
        Assert.False(feed.HasGaps);
        Assert.Null(feed.NextWork());
    }

    [Fact]
    public void A_conversation_the_device_creates_by_sending_starts_live_at_its_first_entry()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([]);

        Own(feed, 1, "d_new");

        Assert.Null(feed.NextWork());                // no store read for it
        Assert.Equal([2ul], Live(feed, Entry(2, "d_new")));
    }
}
