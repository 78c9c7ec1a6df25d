namespace Parley.Client.Storage;

/// <summary>
/// The device's local store: its identity, its conversations, the entries of their logs with a cursor
/// per conversation, and the outbox. One store per device. Implementations must make each method
/// atomic; the client calls them from one logical thread at a time for writes.
/// </summary>
public interface ILocalStore : IAsyncDisposable
{
    Task<DeviceIdentity?> GetIdentityAsync(CancellationToken cancellationToken = default);

    Task SetIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ConversationRecord>> GetConversationsAsync(CancellationToken cancellationToken = default);

    Task<ConversationRecord?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a conversation's description, members and watermarks (not its entries or cursor).</summary>
    Task PutConversationAsync(ConversationRecord conversation, CancellationToken cancellationToken = default);

    /// <summary>The last seq received from the log per conversation (what the hello says where to resume).</summary>
    Task<IReadOnlyDictionary<string, ulong>> GetCursorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the entry (conversation, seq) is already stored.</summary>
    Task<bool> HasEntryAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the entries not stored yet (an entry is identified by conversation and seq; a second copy
    /// is ignored) and returns those that were new, in one step.
    /// </summary>
    Task<IReadOnlyList<StoredEntry>> AddEntriesAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves cursors up (never down): the device has stored every entry of the conversation up to the
    /// seq. Called after the entries are stored, so a cursor is never ahead of what the store holds.
    /// </summary>
    Task AdvanceCursorsAsync(IReadOnlyDictionary<string, ulong> cursors, CancellationToken cancellationToken = default);

    /// <summary>The newest <paramref name="limit"/> entries of a conversation below <paramref name="beforeSeq"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<StoredEntry>> GetEntriesAsync(string conversationId, int limit, ulong? beforeSeq = null, CancellationToken cancellationToken = default);

    /// <summary>Messages after <paramref name="afterSeq"/> sent by anyone but <paramref name="exceptSender"/>: the unread count.</summary>
    Task<int> CountMessagesAsync(string conversationId, ulong afterSeq, string exceptSender, CancellationToken cancellationToken = default);

    /// <summary>Adds a message to the outbox and returns it with its local id (ids grow in the order added).</summary>
    Task<OutboxItem> AddToOutboxAsync(OutboxItem item, CancellationToken cancellationToken = default);

    /// <summary>Everything in the outbox, oldest first, refused ones included.</summary>
    Task<IReadOnlyList<OutboxItem>> GetOutboxAsync(CancellationToken cancellationToken = default);

    /// <summary>The node stored the message: removes it from the outbox and stores its entry, in one step.</summary>
    Task CompleteOutboxAsync(long id, StoredEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The node refused the message for good: it stays in the outbox, marked.</summary>
    Task FailOutboxAsync(long id, OutboxFailure failure, CancellationToken cancellationToken = default);

    /// <summary>Removes a message from the outbox without sending it.</summary>
    Task RemoveFromOutboxAsync(long id, CancellationToken cancellationToken = default);
}
