using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// The newest entries of a log, a bounded window: which client message ids it holds (so a retried
/// send finds its original) and who sent what (so a delivered receipt goes to the senders it
/// concerns). Older ids are found in the store when a client marks its send as a retry.
/// </summary>
public sealed class RecentEntries(int capacity)
{
    // Entries have consecutive seqs, so the window is a ring indexed by seq: any seq in it is one lookup.
    private readonly RecentEntry?[] _ring = new RecentEntry?[capacity];
    private readonly Dictionary<(Guid Sender, ClientMessageKey Id), RecentEntry> _byClientId = [];

    public int Count { get; private set; }

    public void Add(RecentEntry entry)
    {
        var slot = (int)(entry.Seq % (ulong)_ring.Length);
        if (_ring[slot] is { } oldest && oldest.ClientMessageId is { } oldId
            && _byClientId.TryGetValue((oldest.SenderAccount, new ClientMessageKey(oldId)), out var indexed) && indexed.Seq == oldest.Seq)
        {
            _byClientId.Remove((oldest.SenderAccount, new ClientMessageKey(oldId)));
        }
        if (_ring[slot] is null)
        {
            Count++;
        }
        _ring[slot] = entry;
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
        var senders = new HashSet<Guid>();
        for (var seq = after + 1; seq <= upTo; seq++)
        {
            if (_ring[(int)(seq % (ulong)_ring.Length)] is not { } entry || entry.Seq != seq)
            {
                return null; // older than the window remembers
            }
            if (entry.SenderAccount != except)
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
