using Google.Protobuf;
using Parley.Client.Sealing;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Messaging;

/// <summary>
/// Takes in the entries the node pushes: drops those already stored (by conversation and seq: the
/// node delivers at least once, and the device's own sends are stored from the send's answer before
/// they come back), opens the new ones, stores them, moves the cursors and says what to acknowledge.
/// Only entries that are durably stored are acknowledged.
/// </summary>
/// <param name="ownContent">
/// The content of a message this very device sent, by client message id, while the send's answer is
/// still on its way (the entry can come back first). An encrypting sealer gives the sending device no
/// payload of its own, so the plaintext must come from the outbox.
/// </param>
public sealed class Inbox(ILocalStore store, IPayloadSealer sealer, Func<Entry, byte[]?>? ownContent = null)
{
    private readonly Dictionary<string, ulong> _cursors = new(StringComparer.Ordinal);
    private bool _loaded;
    private long _received;
    private long _duplicates;

    /// <summary>Entries the node has delivered, duplicates included.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Delivered entries that were already stored and were dropped.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>The cursors to give in a hello: the last seq received per conversation.</summary>
    public async Task<IReadOnlyDictionary<string, ulong>> CursorsAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return new Dictionary<string, ulong>(_cursors, StringComparer.Ordinal);
    }

    /// <summary>Stores what is new among <paramref name="entries"/>; returns it, and the cursors to acknowledge.</summary>
    public async Task<(IReadOnlyList<StoredEntry> Added, IReadOnlyDictionary<string, ulong> Ack)> AcceptAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        var fresh = new List<StoredEntry>();
        var ack = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            Interlocked.Increment(ref _received);
            ack[entry.ConversationId] = Math.Max(ack.GetValueOrDefault(entry.ConversationId), entry.Seq);
            if (entry.Seq <= _cursors.GetValueOrDefault(entry.ConversationId)
                || fresh.Any(f => f.ConversationId == entry.ConversationId && f.Seq == entry.Seq)
                || await store.HasEntryAsync(entry.ConversationId, entry.Seq, cancellationToken))
            {
                Interlocked.Increment(ref _duplicates);
                continue;
            }
            fresh.Add(await OpenAsync(entry, cancellationToken));
        }
        var added = fresh.Count > 0 ? await store.AddEntriesAsync(fresh, cancellationToken) : [];
        var moved = ack.Where(a => a.Value > _cursors.GetValueOrDefault(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        if (moved.Count > 0)
        {
            await store.AdvanceCursorsAsync(moved, cancellationToken);
            foreach (var (conversation, seq) in moved)
            {
                _cursors[conversation] = seq;
            }
        }
        return (added, ack);
    }

    private async Task<StoredEntry> OpenAsync(Entry entry, CancellationToken cancellationToken)
    {
        if (entry.ContentCase == Entry.ContentOneofCase.Membership)
        {
            return ToStored(entry, EntryKind.Membership, entry.Membership.ToByteArray());
        }
        var content = ownContent?.Invoke(entry) ?? await sealer.OpenAsync(entry, cancellationToken);
        return content is null ? ToStored(entry, EntryKind.Message, [], unreadable: true) : ToStored(entry, EntryKind.Message, content);
    }

    private static StoredEntry ToStored(Entry entry, EntryKind kind, byte[] body, bool unreadable = false) => new(
        entry.ConversationId, entry.Seq, entry.Timestamp, entry.SenderAccountId, entry.SenderDeviceId,
        entry.ClientMessageId.ToByteArray(), kind, body, unreadable);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }
        foreach (var (conversation, seq) in await store.GetCursorsAsync(cancellationToken))
        {
            _cursors[conversation] = seq;
        }
        _loaded = true;
    }
}
