using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>
/// What one connection has sent of each conversation, and what it must send next: the rules that
/// make replay and live delivery meet with nothing lost, doubled or reordered.
///
/// Per conversation the feed knows the last seq it sent (<c>Delivered</c>). A live entry that is the
/// very next one goes out at once; an older one is a duplicate and is dropped. Live entries travel
/// through actors on several threads, so a newer one may overtake an older one: it waits in a small
/// reorder buffer until the missing seqs arrive. A gap that does not close within a grace period (or
/// a buffer that overflows) switches the conversation to catching up: entries are then read from the
/// store — where every live entry already is, since entries are delivered only after they are
/// committed — after <c>Delivered</c>, page by page, while live entries for it are dropped. Reading
/// pauses while more than a window of sent entries is unacknowledged, so a long backlog flows at the
/// device's pace. The device's own sends count as delivered without being sent.
/// Not thread-safe: one connection's pump drives it.
/// </summary>
public sealed class DeviceFeed(int pageSize, int window, int reorderCapacity = 64)
{
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _next;
    private bool _started;
    private bool _announced;
    private int _streamsWaiting;

    /// <summary>Entries sent and not yet acknowledged, over all conversations.</summary>
    public long InFlight { get; private set; }

    /// <summary>True while some conversation holds entries back, waiting for a missing seq.</summary>
    public bool HasGaps => _streamsWaiting > 0;

    /// <summary>Where the device stands in each conversation it may read, as it connects.</summary>
    public void Start(IEnumerable<SyncPosition> positions)
    {
        foreach (var position in positions)
        {
            var stream = StreamOf(position.ConversationId);
            stream.Resolve(position.Position, Math.Max(stream.KnownHead, position.VisibleHead));
            stream.Initial = true;
        }
        // Entries heard of before the start belong to conversations the positions do not know yet
        // (new ones); they are resolved like any conversation that appears later.
        _started = true;
    }

    /// <summary>A live entry; what may now go out (in order) is added to <paramref name="send"/>.</summary>
    public void OnLive(LogEntry entry, long now, List<LogEntry> send) => Arrive(entry.ConversationId, entry.Seq, entry, now, send);

    /// <summary>
    /// The device itself appended <paramref name="seq"/> (its send was answered): it has that entry
    /// without being sent it. Entries held back behind it may now go out.
    /// </summary>
    public void OnOwn(string conversationId, ulong seq, long now, List<LogEntry> send)
    {
        var stream = StreamOf(conversationId);
        if (_started && !stream.Resolved && !stream.Resolving && seq == 1)
        {
            stream.Resolve(1, 1); // the device created the conversation with this entry: nothing precedes it
            return;
        }
        Arrive(conversationId, seq, null, now, send);
    }

    /// <summary>The device acknowledged the conversation up to <paramref name="seq"/>.</summary>
    public void OnAck(string conversationId, ulong seq)
    {
        if (!_streams.TryGetValue(conversationId, out var stream))
        {
            return;
        }
        var acked = Math.Min(seq, stream.Delivered);
        if (acked > stream.Acked)
        {
            InFlight -= (long)(acked - stream.Acked);
            stream.Acked = acked;
        }
    }

    /// <summary>Gaps older than <paramref name="grace"/> (in the same units as now) are given up on: read from the store instead.</summary>
    public void ExpireGaps(long now, long grace)
    {
        if (_streamsWaiting == 0)
        {
            return;
        }
        foreach (var stream in _streams.Values)
        {
            if (stream.Waiting is { Count: > 0 } && now - stream.WaitingSince >= grace)
            {
                StartCatchingUp(stream);
            }
        }
    }

    /// <summary>
    /// The next thing to fetch from the store, or null: a position for a conversation first heard
    /// of live, or a page of a conversation that is catching up while the window has room.
    /// </summary>
    public FeedWork? NextWork()
    {
        if (!_started)
        {
            return null;
        }
        foreach (var id in _order)
        {
            var stream = _streams[id];
            if (!stream.Resolved && !stream.Resolving)
            {
                stream.Resolving = true;
                return new FeedWork(id, FeedWorkKind.ResolvePosition, 0, 0);
            }
        }
        var room = window - InFlight;
        if (room <= 0)
        {
            return null;
        }
        for (var i = 0; i < _order.Count; i++)
        {
            var id = _order[(_next + i) % _order.Count];
            var stream = _streams[id];
            if (stream.Resolved && stream.CatchingUp && !stream.Reading)
            {
                _next = (_next + i + 1) % _order.Count;
                stream.Reading = true;
                return new FeedWork(id, FeedWorkKind.ReadPage, stream.Delivered, (int)Math.Min(pageSize, room));
            }
        }
        return null;
    }

    /// <summary>The store's answer to <see cref="FeedWorkKind.ResolvePosition"/>; null when the device may not read it.</summary>
    public void OnResolved(string conversationId, SyncPosition? position)
    {
        var stream = _streams[conversationId];
        stream.Resolving = false;
        if (position is null)
        {
            StopWaiting(stream);
            _streams.Remove(conversationId);
            _order.Remove(conversationId);
            _next = 0;
            return;
        }
        stream.Resolve(position.Position, Math.Max(stream.KnownHead, position.VisibleHead));
        if (stream.Waiting is { Count: > 0 })
        {
            StartCatchingUp(stream); // what was held back is in the store
        }
    }

    /// <summary>
    /// A page read after the conversation's delivered seq; returns the entries to send, in order.
    /// A short page means the store has nothing more right now: the conversation goes live.
    /// </summary>
    public IReadOnlyList<LogEntry> OnPage(string conversationId, IReadOnlyList<LogEntry> page, int requested)
    {
        var stream = _streams[conversationId];
        stream.Reading = false;
        var send = new List<LogEntry>(page.Count);
        foreach (var entry in page)
        {
            if (entry.Seq > stream.Delivered)
            {
                Sent(stream, entry.Seq);
                send.Add(entry);
            }
        }
        if (page.Count < requested)
        {
            // Everything committed before this read is in it; a live entry committed since arrives
            // after this call and is then the next seq (or found by another read).
            stream.CatchingUp = false;
            stream.KnownHead = stream.Delivered;
        }
        return send;
    }

    /// <summary>True once, when every conversation known at the start has been sent up to its head.</summary>
    public bool TakeCaughtUp()
    {
        if (_announced || !_started || _streams.Values.Any(s => s.Initial && (!s.Resolved || s.CatchingUp)))
        {
            return false;
        }
        _announced = true;
        return true;
    }

    /// <summary>A seq arrives, with its entry (live) or without (the device's own).</summary>
    private void Arrive(string conversationId, ulong seq, LogEntry? entry, long now, List<LogEntry> send)
    {
        var stream = StreamOf(conversationId);
        stream.KnownHead = Math.Max(stream.KnownHead, seq);
        if (!_started || !stream.Resolved || stream.CatchingUp || seq <= stream.Delivered)
        {
            return; // held back until resolved, read from the store, or already had
        }
        if (seq == stream.Delivered + 1)
        {
            Deliver(stream, seq, entry, send);
            // Entries that were waiting for this one follow it.
            while (stream.Waiting is { Count: > 0 } waiting && waiting.Remove(stream.Delivered + 1, out var next))
            {
                Deliver(stream, stream.Delivered + 1, next, send);
            }
            if (stream.Waiting is { Count: 0 })
            {
                StopWaiting(stream);
            }
            return;
        }
        // A newer seq overtook an older one: hold it back for a moment, unless too much is waiting.
        if (stream.Waiting is null)
        {
            stream.Waiting = [];
            stream.WaitingSince = now;
            _streamsWaiting++;
        }
        if (stream.Waiting.Count >= reorderCapacity)
        {
            StartCatchingUp(stream);
            return;
        }
        stream.Waiting.TryAdd(seq, entry);
    }

    private void Deliver(Stream stream, ulong seq, LogEntry? entry, List<LogEntry> send)
    {
        if (entry is not null)
        {
            Sent(stream, seq);
            send.Add(entry);
        }
        else if (stream.Acked == stream.Delivered)
        {
            stream.Delivered = stream.Acked = seq; // nothing outstanding: the device never acks its own entry alone
        }
        else
        {
            Sent(stream, seq); // covered by its next cumulative acknowledgement
        }
    }

    private void StartCatchingUp(Stream stream)
    {
        StopWaiting(stream);
        stream.CatchingUp = true;
    }

    private void StopWaiting(Stream stream)
    {
        if (stream.Waiting is not null)
        {
            stream.Waiting = null;
            _streamsWaiting--;
        }
    }

    private void Sent(Stream stream, ulong seq)
    {
        InFlight += (long)(seq - stream.Delivered);
        stream.Delivered = seq;
    }

    private Stream StreamOf(string conversationId)
    {
        if (!_streams.TryGetValue(conversationId, out var stream))
        {
            _streams[conversationId] = stream = new Stream();
            _order.Add(conversationId);
        }
        return stream;
    }

    private sealed class Stream
    {
        public ulong Delivered;
        public ulong Acked;
        public ulong KnownHead;
        public bool Resolved;
        public bool Resolving;
        public bool CatchingUp;
        public bool Reading;
        public bool Initial;

        /// <summary>Seqs that arrived ahead of a missing one (null entry: the device's own).</summary>
        public SortedDictionary<ulong, LogEntry?>? Waiting;
        public long WaitingSince;

        public void Resolve(ulong position, ulong head)
        {
            Delivered = Acked = position;
            KnownHead = head;
            Resolved = true;
            CatchingUp = head > position;
        }
    }
}

public enum FeedWorkKind
{
    ResolvePosition,
    ReadPage,
}

/// <summary>A store read the feed needs: a conversation's position, or a page after a seq.</summary>
public sealed record FeedWork(string ConversationId, FeedWorkKind Kind, ulong AfterSeq, int Limit);
