using Parley.Server.Gateway;
using Parley.Storage;

namespace Parley.Server.Tests;

/// <summary>The per-connection rules for meeting replay and live delivery, without a network.</summary>
public class DeviceFeedTests
{
    private const string C = "d_conversation";

    private static LogEntry Entry(ulong seq, string conversation = C) =>
        new(conversation, seq, seq, Guid.Empty, 1, null, EntryKind.Message, [1], false, null);

    private static List<LogEntry> Entries(ulong from, ulong to) =>
        Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => Entry((ulong)i)).ToList();

    [Fact]
    public void Nothing_goes_out_before_the_start_and_what_came_earlier_is_caught_up_from_the_store()
    {
        var feed = new DeviceFeed(pageSize: 10, window: 100);
        Assert.False(feed.OnLive(Entry(1)));
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
        Assert.True(feed.OnLive(Entry(6)));
        Assert.False(feed.OnLive(Entry(6)));  // duplicate
        Assert.False(feed.OnLive(Entry(4)));  // old
        Assert.Null(feed.NextWork());
    }

    [Fact]
    public void A_gap_switches_to_catching_up_and_live_entries_wait_in_the_store_until_the_replay_reaches_them()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        Assert.False(feed.OnLive(Entry(7)));        // 6 is missing: read from the store
        Assert.False(feed.OnLive(Entry(8)));        // still catching up: dropped, it is in the store
        var work = feed.NextWork()!;
        Assert.Equal(5ul, work.AfterSeq);
        var sent = feed.OnPage(C, Entries(6, 8), work.Limit);

        Assert.Equal([6ul, 7ul, 8ul], sent.Select(e => e.Seq));
        Assert.True(feed.OnLive(Entry(9)));         // live again: the next seq goes straight out
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
        Assert.True(feed.OnLive(Entry(4)));
    }

    [Fact]
    public void A_page_may_skip_seqs_the_device_may_not_see_and_overlapping_pages_send_nothing_twice()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 0, 20)]);
        var work = feed.NextWork()!;

        var sent = feed.OnPage(C, [Entry(15), Entry(16)], work.Limit);  // joined at 15
        Assert.Equal([15ul, 16ul], sent.Select(e => e.Seq));

        Assert.False(feed.OnLive(Entry(16)));
        Assert.True(feed.OnLive(Entry(17)));
    }

    [Fact]
    public void A_conversation_first_heard_of_live_is_resolved_from_the_store_before_anything_is_sent()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([]);
        Assert.True(feed.TakeCaughtUp());

        Assert.False(feed.OnLive(Entry(1, "g_new")));
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
        feed.OnLive(Entry(1));

        feed.OnAck(C, 50);
        feed.OnAck("unknown", 5);

        Assert.Equal(0, feed.InFlight);
    }

    [Fact]
    public void The_devices_own_entries_keep_its_stream_gapless_without_being_sent()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        feed.OnOwn(C, 6);                            // its own send
        Assert.True(feed.OnLive(Entry(7)));          // the next one from someone else goes straight out
        Assert.False(feed.OnLive(Entry(6)));         // an echo of its own would be a duplicate
        Assert.Equal(1, feed.InFlight);
    }

    [Fact]
    public void An_own_entry_after_a_gap_is_caught_up_from_the_store()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([new SyncPosition(C, 5, 5)]);

        feed.OnOwn(C, 8);                            // 6 and 7 have not reached this connection yet

        var work = feed.NextWork()!;
        Assert.Equal((FeedWorkKind.ReadPage, 5ul), (work.Kind, work.AfterSeq));
    }

    [Fact]
    public void A_conversation_the_device_creates_by_sending_starts_live_at_its_first_entry()
    {
        var feed = new DeviceFeed(10, 100);
        feed.Start([]);

        feed.OnOwn("d_new", 1);

        Assert.Null(feed.NextWork());                // no store read for it
        Assert.True(feed.OnLive(Entry(2, "d_new")));
    }
}
