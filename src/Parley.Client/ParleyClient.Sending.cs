using Google.Protobuf;
using Parley.Client.Connections;
using Parley.Client.Content;
using Parley.Client.Messaging;
using Parley.Client.Sealing;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    /// <summary>
    /// Puts a message in the outbox (durably, in the local store) and returns at once. The client
    /// sends it whenever it is connected, with the same client message id every time, until the node
    /// acknowledges it as stored — across reconnects and restarts of the app. <see cref="PendingMessage.Sent"/>
    /// completes then (or fails when the node refuses the message for good).
    /// </summary>
    public async Task<PendingMessage> SendAsync(Recipient to, MessageContent content, CancellationToken cancellationToken = default)
    {
        var bytes = content.ToByteArray();
        if (Welcome?.Limits?.MaxPayloadBytes is > 0 and var max && bytes.Length > max)
        {
            throw new ParleyException(ErrorCode.LimitExceeded, $"a message carries at most {max} bytes; this one has {bytes.Length}");
        }
        var (conversationId, peer) = await TargetOfAsync(to, cancellationToken);
        var item = await _store.AddToOutboxAsync(
            new OutboxItem(0, conversationId, peer, Guid.NewGuid().ToByteArray(), bytes, _options.Time.GetUtcNow().ToUnixTimeMilliseconds()),
            cancellationToken);
        var sent = _outbox.Add(item);
        Raise(MessageStatusChanged, new StatusUpdate(conversationId, MessageStatus.Pending, 0, item.ClientMessageId));
        _outboxWake.Release();
        return new PendingMessage(item, sent);
    }

    public Task<PendingMessage> SendTextAsync(Recipient to, string text, byte[]? replyTo = null, CancellationToken cancellationToken = default) =>
        SendAsync(to, MessageContents.Text(text, replyTo), cancellationToken);

    /// <summary>Replaces the text of one of the account's own messages, for everyone.</summary>
    public Task<PendingMessage> EditAsync(string conversationId, byte[] target, string text, CancellationToken cancellationToken = default) =>
        SendAsync(Recipient.Conversation(conversationId), MessageContents.Edit(target, text), cancellationToken);

    /// <summary>Deletes one of the account's own messages for everyone.</summary>
    public Task<PendingMessage> DeleteForEveryoneAsync(string conversationId, byte[] target, CancellationToken cancellationToken = default) =>
        SendAsync(Recipient.Conversation(conversationId), MessageContents.Delete(target), cancellationToken);

    /// <summary>Reacts to a message (an empty emoji takes the reaction back).</summary>
    public Task<PendingMessage> ReactAsync(string conversationId, byte[] target, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(Recipient.Conversation(conversationId), MessageContents.Reaction(target, emoji), cancellationToken);

    /// <summary>What the outbox holds, oldest first (refused messages included, marked).</summary>
    public Task<IReadOnlyList<OutboxItem>> GetOutboxAsync(CancellationToken cancellationToken = default) => _store.GetOutboxAsync(cancellationToken);

    /// <summary>Removes a message from the outbox without sending it (one that was refused, say).</summary>
    public async Task DiscardAsync(long outboxId, CancellationToken cancellationToken = default)
    {
        await _store.RemoveFromOutboxAsync(outboxId, cancellationToken);
        _outbox.Discard(outboxId);
    }

    /// <summary>Waits until every message the outbox held when called has been stored or refused.</summary>
    public async Task FlushOutboxAsync(CancellationToken cancellationToken = default)
    {
        await ((Task)Task.WhenAll(_outbox.Completions())).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The completion of a message waiting in the outbox (one restored after a restart, say), or null.</summary>
    public Task<SentMessage>? CompletionOf(long outboxId) => _outbox.Completion(outboxId);

    /// <summary>
    /// An account is addressed through the 1:1 conversation with it when the device knows that
    /// conversation already; otherwise by account (the node creates the conversation).
    /// </summary>
    private async Task<(string? ConversationId, string? Peer)> TargetOfAsync(Recipient to, CancellationToken cancellationToken)
    {
        if (to.ConversationId is { } id)
        {
            return (id, null);
        }
        var peer = to.AccountId!;
        foreach (var conversation in await _store.GetConversationsAsync(cancellationToken))
        {
            if (conversation.Kind == ConversationKind.Direct
                && conversation.Members.Count > 0
                && conversation.Members.All(m => m.AccountId == peer || m.AccountId == AccountId)
                && conversation.Members.Any(m => m.AccountId == peer))
            {
                return (conversation.Id, null);
            }
        }
        return (null, peer);
    }

    /// <summary>
    /// Sends what waits in the outbox over one connection, oldest first, a window of sends on the wire
    /// at once; runs until the connection ends. Each send is sealed at the moment it goes out.
    /// </summary>
    private async Task SendOutboxAsync(Connection connection, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(_options.MaxSendsInFlight);
        var finishing = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in _outbox.Ready())
            {
                await window.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                var answer = await PutOnWireAsync(connection, item, cancellationToken);
                if (answer is null)
                {
                    window.Release();
                    continue;
                }
                finishing.RemoveAll(t => t.IsCompleted);
                finishing.Add(FinishSendAsync(item, answer, window, cancellationToken));
            }
            await _outboxWake.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(finishing);
    }

    /// <summary>Seals and sends one outbox message; returns the pending answer, or null when it did not go out.</summary>
    private async Task<Task<Response>?> PutOnWireAsync(Connection connection, OutboxItem item, CancellationToken cancellationToken)
    {
        var members = item.ConversationId is { } id && await _store.GetConversationAsync(id, cancellationToken) is { } conversation
            ? conversation.Members.Select(m => m.AccountId).ToList()
            : [];
        var payload = await _options.Sealer.SealAsync(new SealingContext(Identity, item.ConversationId, item.PeerAccountId, members), item.Content, cancellationToken);
        if (_outbox.Dispatch(item.Id, payload) is not { } send)
        {
            return null;
        }
        try
        {
            return await connection.StartRequestAsync(new Request { Send = send }, cancellationToken);
        }
        catch (Exception error) when (error is ConnectionLostException or OperationCanceledException)
        {
            // Not on the wire after all (or maybe it is: the retry flag covers that). The next connection sends it again.
            _outbox.Release(item.Id);
            return null;
        }
    }

    private async Task FinishSendAsync(OutboxItem item, Task<Response> answer, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var response = await answer;
            switch (Outbox.Classify(response))
            {
                case SendOutcome.Stored:
                    await RunAsync(() => CompleteSendAsync(item, response.Send));
                    break;
                case SendOutcome.Refused:
                    var failure = new OutboxFailure(response.Error?.Code ?? ErrorCode.Internal, response.Error?.Message ?? "the node gave no answer to the send");
                    ClientLog.SendRefused(_options.Logger, item.Id, failure.Code, failure.Message);
                    await RunAsync(() => FailSendAsync(item, failure));
                    break;
                case SendOutcome.TryAgain:
                    var delay = response.Error.RetryAfterMs > 0 ? TimeSpan.FromMilliseconds(response.Error.RetryAfterMs) : _backoff.Delay(0);
                    ClientLog.SendDeferred(_options.Logger, item.Id, response.Error.Code, delay);
                    await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    _outbox.Release(item.Id);
                    break;
            }
        }
        catch (Exception error) when (error is ConnectionLostException or OperationCanceledException or ObjectDisposedException)
        {
            // No answer: the message may or may not be stored. It waits again and goes out with retry set.
            _outbox.Release(item.Id);
        }
        finally
        {
            window.Release();
            _outboxWake.Release();
        }
    }

    private async Task CompleteSendAsync(OutboxItem item, SendResult result)
    {
        var entry = new StoredEntry(
            result.ConversationId, result.Seq, result.Timestamp, AccountId, Identity.DeviceId, item.ClientMessageId, EntryKind.Message, item.Content);
        await _store.CompleteOutboxAsync(item.Id, entry, _stop.Token);
        _outbox.Complete(item.Id, new SentMessage(result.ConversationId, result.Seq, result.Timestamp, item.ClientMessageId, result.Duplicate));
        Raise(MessageStatusChanged, new StatusUpdate(result.ConversationId, MessageStatus.Sent, result.Seq, item.ClientMessageId));
        if (!_knownConversations.Contains(result.ConversationId) && _session is { } session)
        {
            _ = RefreshConversationAsync(session, result.ConversationId);
        }
    }

    private async Task FailSendAsync(OutboxItem item, OutboxFailure failure)
    {
        await _store.FailOutboxAsync(item.Id, failure, _stop.Token);
        _outbox.Fail(item.Id, failure);
        Raise(MessageStatusChanged, new StatusUpdate(item.ConversationId, MessageStatus.Failed, 0, item.ClientMessageId));
    }
}

/// <summary>A message in the outbox; <see cref="Sent"/> completes when the node has stored it.</summary>
public sealed record PendingMessage(OutboxItem Item, Task<SentMessage> Sent)
{
    public byte[] ClientMessageId => Item.ClientMessageId;
}
