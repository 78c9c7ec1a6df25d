using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>
/// What one connection has sent of each conversation, and what it must send next: the rules that
/// make replay and live delivery meet with nothing lost, doubled or reordered.
///
/// Per conversation the feed knows the last seq it sent (<c>Delivered</c>). A live entry that is the
/// very next one goes out at once; an older one is a duplicate and is dropped; a newer one means a
/// gap, and the conversation switches to catching up: entries are then read from the store (where
/// every live entry already is, since entries are delivered only after they are committed) after
/// <c>Delivered</c>, page by page, while live entries for it are dropped. Reading pauses while more
/// than a window of sent entries is unacknowledged, so a long backlog flows at the device's pace.
/// Not thread-safe: one connection's pump drives it.
/// </summary>
public sealed class DeviceFeed(int pageSize, int window)
{
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _next;
    private bool _started;
    private bool _announced;

    /// <summary>Entries sent and not yet acknowledged, over all conversations.</summary>
    public long InFlight { get; private set; }

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

    /// <summary>A live entry: true when it is to be sent now (in this call's order).</summary>
    public bool OnLive(LogEntry entry)
    {
        var stream = StreamOf(entry.ConversationId);
        stream.KnownHead = Math.Max(stream.KnownHead, entry.Seq);
        if (!_started || !stream.Resolved || stream.CatchingUp)
        {
            return false;
        }
        if (entry.Seq <= stream.Delivered)
        {
            return false;
        }
        if (entry.Seq == stream.Delivered + 1)
        {
            Sent(stream, entry.Seq);
            return true;
        }
        stream.CatchingUp = true;
        return false;
    }

    /// <summary>
    /// The device itself appended <paramref name="seq"/> (its send was answered): it has that entry
    /// without being sent it. Keeps the stream gapless; a seq that does not follow on is treated like
    /// a gap (the store then supplies what lies between, own entry included).
    /// </summary>
    public void OnOwn(string conversationId, ulong seq)
    {
        var stream = StreamOf(conversationId);
        if (!stream.Resolved && !stream.Resolving && seq == 1 && _started)
        {
            stream.Resolve(1, 1); // the device created the conversation with this entry: nothing precedes it
            return;
        }
        stream.KnownHead = Math.Max(stream.KnownHead, seq);
        if (!_started || !stream.Resolved || stream.CatchingUp || seq <= stream.Delivered)
        {
            return;
        }
        if (seq != stream.Delivered + 1)
        {
            stream.CatchingUp = true;
        }
        else if (stream.Acked == stream.Delivered)
        {
            stream.Delivered = stream.Acked = seq; // nothing outstanding: the device will never ack its own entry alone
        }
        else
        {
            Sent(stream, seq); // covered by its next cumulative acknowledgement
        }
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
            _streams.Remove(conversationId);
            _order.Remove(conversationId);
            _next = 0;
            return;
        }
        stream.Resolve(position.Position, Math.Max(stream.KnownHead, position.VisibleHead));
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

    public ulong DeliveredOf(string conversationId) => _streams.TryGetValue(conversationId, out var stream) ? stream.Delivered : 0;

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
