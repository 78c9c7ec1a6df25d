using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// The newest entries of a log, a bounded window: which client message ids it holds (so a retried
/// send finds its original) and who sent what (so a delivered receipt goes to the senders it
/// concerns). Older ids are found in the store when a client marks its send as a retry.
/// </summary>
public sealed class RecentEntries(int capacity)
{
    private readonly Queue<RecentEntry> _window = new(capacity);
    private readonly Dictionary<(Guid Sender, ClientMessageKey Id), RecentEntry> _byClientId = [];

    public int Count => _window.Count;

    public void Add(RecentEntry entry)
    {
        if (_window.Count == capacity)
        {
            var oldest = _window.Dequeue();
            if (oldest.ClientMessageId is { } oldId && _byClientId.TryGetValue((oldest.SenderAccount, new ClientMessageKey(oldId)), out var indexed) && indexed.Seq == oldest.Seq)
            {
                _byClientId.Remove((oldest.SenderAccount, new ClientMessageKey(oldId)));
            }
        }
        _window.Enqueue(entry);
        if (entry.ClientMessageId is { } id)
        {
            _byClientId.TryAdd((entry.SenderAccount, new ClientMessageKey(id)), entry);
        }
    }

    public RecentEntry? Find(Guid sender, byte[] clientMessageId) =>
        _byClientId.GetValueOrDefault((sender, new ClientMessageKey(clientMessageId)));

    public IReadOnlyCollection<Guid>? SendersBetween(ulong after, ulong upTo, Guid except)
    {
        if (upTo <= after)
        {
            return [];
        }
        if (_window.Count == 0 || _window.Peek().Seq > after + 1)
        {
            return null;
        }
        var senders = new HashSet<Guid>();
        foreach (var entry in _window)
        {
            if (entry.Seq > after && entry.Seq <= upTo && entry.SenderAccount != except)
            {
                senders.Add(entry.SenderAccount);
            }
        }
        return senders;
    }

    /// <summary>Client message ids compared by content: 16 bytes as two longs.</summary>
    private readonly record struct ClientMessageKey(long High, long Low, int Length)
    {
        public ClientMessageKey(byte[] id)
            : this(Read(id, 0), Read(id, 8), id.Length)
        {
        }

        private static long Read(byte[] id, int offset)
        {
            Span<byte> padded = stackalloc byte[8];
            if (id.Length > offset)
            {
                id.AsSpan(offset, Math.Min(8, id.Length - offset)).CopyTo(padded);
            }
            return BitConverter.ToInt64(padded);
        }
    }
}
