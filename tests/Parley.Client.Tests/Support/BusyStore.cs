using Parley.Client.Storage;

namespace Parley.Client.Tests.Support;

/// <summary>A store whose entry writes never finish until cancelled, like a disk that hangs: everything else passes through.</summary>
public sealed class BusyStore(ILocalStore inner) : ILocalStore
{
    private readonly TaskCompletionSource _writing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first entry write has started (and hangs).</summary>
    public Task Writing => _writing.Task;

    public async Task<IReadOnlyList<StoredEntry>> AddEntriesAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken = default)
    {
        _writing.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return await inner.AddEntriesAsync(entries, cancellationToken);
    }

    public Task<DeviceIdentity?> GetIdentityAsync(CancellationToken cancellationToken = default) => inner.GetIdentityAsync(cancellationToken);

    public Task SetIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken = default) => inner.SetIdentityAsync(identity, cancellationToken);

    public Task<IReadOnlyList<ConversationRecord>> GetConversationsAsync(CancellationToken cancellationToken = default) => inner.GetConversationsAsync(cancellationToken);

    public Task<ConversationRecord?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        inner.GetConversationAsync(conversationId, cancellationToken);

    public Task PutConversationAsync(ConversationRecord conversation, CancellationToken cancellationToken = default) =>
        inner.PutConversationAsync(conversation, cancellationToken);

    public Task<IReadOnlyDictionary<string, ulong>> GetCursorsAsync(CancellationToken cancellationToken = default) => inner.GetCursorsAsync(cancellationToken);

    public Task<bool> HasEntryAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default) =>
        inner.HasEntryAsync(conversationId, seq, cancellationToken);

    public Task AdvanceCursorsAsync(IReadOnlyDictionary<string, ulong> cursors, CancellationToken cancellationToken = default) =>
        inner.AdvanceCursorsAsync(cursors, cancellationToken);

    public Task<IReadOnlyList<StoredEntry>> GetEntriesAsync(string conversationId, int limit, ulong? beforeSeq = null, CancellationToken cancellationToken = default) =>
        inner.GetEntriesAsync(conversationId, limit, beforeSeq, cancellationToken);

    public Task<int> CountMessagesAsync(string conversationId, ulong afterSeq, string exceptSender, CancellationToken cancellationToken = default) =>
        inner.CountMessagesAsync(conversationId, afterSeq, exceptSender, cancellationToken);

    public Task<OutboxItem> AddToOutboxAsync(OutboxItem item, CancellationToken cancellationToken = default) => inner.AddToOutboxAsync(item, cancellationToken);

    public Task<IReadOnlyList<OutboxItem>> GetOutboxAsync(CancellationToken cancellationToken = default) => inner.GetOutboxAsync(cancellationToken);

    public Task CompleteOutboxAsync(long id, StoredEntry entry, CancellationToken cancellationToken = default) => inner.CompleteOutboxAsync(id, entry, cancellationToken);

    public Task FailOutboxAsync(long id, OutboxFailure failure, CancellationToken cancellationToken = default) => inner.FailOutboxAsync(id, failure, cancellationToken);

    public Task RemoveFromOutboxAsync(long id, CancellationToken cancellationToken = default) => inner.RemoveFromOutboxAsync(id, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
