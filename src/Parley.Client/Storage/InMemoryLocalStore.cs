namespace Parley.Client.Storage;

/// <summary>
/// A store that lives only as long as the process: for tests, for tools that need no history, and as
/// the reference behaviour every durable store matches.
/// </summary>
public sealed class InMemoryLocalStore : ILocalStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ConversationRecord> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedList<ulong, StoredEntry>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _cursors = new(StringComparer.Ordinal);
    private readonly SortedList<long, OutboxItem> _outbox = [];
    private DeviceIdentity? _identity;
    private long _nextOutboxId;

    public Task<DeviceIdentity?> GetIdentityAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_identity);
        }
    }

    public Task SetIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _identity = identity;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ConversationRecord>> GetConversationsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ConversationRecord>>([.. _conversations.Values.OrderBy(c => c.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<ConversationRecord?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_conversations.GetValueOrDefault(conversationId));
        }
    }

    public Task PutConversationAsync(ConversationRecord conversation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _conversations[conversation.Id] = conversation;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, ulong>> GetCursorsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<string, ulong>>(new Dictionary<string, ulong>(_cursors, StringComparer.Ordinal));
        }
    }

    public Task<bool> HasEntryAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue(conversationId, out var log) && log.ContainsKey(seq));
        }
    }

    public Task<IReadOnlyList<StoredEntry>> AddEntriesAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoredEntry>>(AddLocked(entries));
        }
    }

    public Task AdvanceCursorsAsync(IReadOnlyDictionary<string, ulong> cursors, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (conversation, seq) in cursors)
            {
                _cursors[conversation] = Math.Max(_cursors.GetValueOrDefault(conversation), seq);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredEntry>> GetEntriesAsync(string conversationId, int limit, ulong? beforeSeq = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(conversationId, out var log))
            {
                return Task.FromResult<IReadOnlyList<StoredEntry>>([]);
            }
            var below = log.Values.Where(e => beforeSeq is null || e.Seq < beforeSeq).ToList();
            return Task.FromResult<IReadOnlyList<StoredEntry>>(below.Skip(Math.Max(0, below.Count - limit)).ToList());
        }
    }

    public Task<int> CountMessagesAsync(string conversationId, ulong afterSeq, string exceptSender, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var count = _entries.TryGetValue(conversationId, out var log)
                ? log.Values.Count(e => e.Seq > afterSeq && e.Kind == EntryKind.Message && e.SenderAccountId != exceptSender)
                : 0;
            return Task.FromResult(count);
        }
    }

    public Task<OutboxItem> AddToOutboxAsync(OutboxItem item, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var stored = item with { Id = ++_nextOutboxId };
            _outbox.Add(stored.Id, stored);
            return Task.FromResult(stored);
        }
    }

    public Task<IReadOnlyList<OutboxItem>> GetOutboxAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<OutboxItem>>([.. _outbox.Values]);
        }
    }

    public Task CompleteOutboxAsync(long id, StoredEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _outbox.Remove(id);
            AddLocked([entry]);
        }
        return Task.CompletedTask;
    }

    public Task FailOutboxAsync(long id, OutboxFailure failure, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_outbox.TryGetValue(id, out var item))
            {
                _outbox[id] = item with { Failure = failure };
            }
        }
        return Task.CompletedTask;
    }

    public Task RemoveFromOutboxAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _outbox.Remove(id);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private List<StoredEntry> AddLocked(IReadOnlyList<StoredEntry> entries)
    {
        var added = new List<StoredEntry>();
        foreach (var entry in entries)
        {
            if (!_entries.TryGetValue(entry.ConversationId, out var log))
            {
                _entries[entry.ConversationId] = log = [];
            }
            if (log.TryAdd(entry.Seq, entry))
            {
                added.Add(entry);
            }
        }
        return added;
    }
}
