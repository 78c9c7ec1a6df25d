using Parley.Client.Content;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    private const int PresenceBatch = 256;

    private readonly HashSet<string> _knownConversations = new(StringComparer.Ordinal);

    /// <summary>Hands a push to the mailbox; the connection's receive loop goes straight on.</summary>
    private ValueTask OnPushAsync(ConnectionSession session, Push push)
    {
        switch (push.BodyCase)
        {
            case Push.BodyOneofCase.Entries:
                Post(() => TakeEntriesAsync(session, push.Entries.Entries_));
                break;
            case Push.BodyOneofCase.Receipt:
                Post(() => TakeReceiptAsync(session, push.Receipt));
                break;
            case Push.BodyOneofCase.Typing:
                var until = _typing.Update(push.Typing, _options.Time.GetUtcNow());
                Raise(TypingChanged, new TypingUpdate(push.Typing.ConversationId, push.Typing.AccountId, push.Typing.DeviceId, push.Typing.Typing_, until));
                break;
            case Push.BodyOneofCase.Presence:
                if (_presence.Update(push.Presence) is { } state)
                {
                    Raise(PresenceChanged, state);
                }
                break;
            case Push.BodyOneofCase.SyncState:
                Post(() =>
                {
                    session.CaughtUp = true;
                    ClientLog.CaughtUp(_options.Logger);
                    SetStatus(new Connections.ConnectionStatus(Connections.ConnectionState.Online));
                    CompleteSyncIfReady(session);
                    return Task.CompletedTask;
                });
                break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Puts work in the mailbox; a failure is logged there (entries not stored are not acknowledged, so they come again).</summary>
    private void Post(Func<Task> work) => _mailbox.Writer.TryWrite(work);

    private async Task TakeEntriesAsync(ConnectionSession session, IReadOnlyList<Entry> entries)
    {
        var (added, ack) = await _inbox.AcceptAsync(entries, _stop.Token);
        await session.Connection.AckAsync(ack, CancellationToken.None);
        var refresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in added)
        {
            if (entry.Kind == EntryKind.Membership || !_knownConversations.Contains(entry.ConversationId))
            {
                refresh.Add(entry.ConversationId);
            }
            var isMessage = entry.Kind == EntryKind.Message && !entry.Unreadable;
            Raise(MessageReceived, new ReceivedMessage(
                entry,
                isMessage ? MessageContents.TryParse(entry.Body) : null,
                entry.Kind == EntryKind.Membership ? MembershipChange.Parser.ParseFrom(entry.Body) : null,
                entry.SenderAccountId == AccountId));
        }
        foreach (var conversation in refresh)
        {
            _ = RefreshConversationAsync(session, conversation);
        }
    }

    private async Task TakeReceiptAsync(ConnectionSession session, Receipt receipt)
    {
        var before = await _store.GetConversationAsync(receipt.ConversationId, _stop.Token);
        if (before is null)
        {
            _ = RefreshConversationAsync(session, receipt.ConversationId);
            return;
        }
        var after = ReceiptBook.Apply(before, receipt.AccountId, receipt.Kind, receipt.UpToSeq, AccountId);
        await _store.PutConversationAsync(after, _stop.Token);
        Announce(before, after);
    }

    /// <summary>After each connect: the conversation list with every member's watermarks (receipts missed offline), then presence.</summary>
    private async Task RefreshAfterConnectAsync(ConnectionSession session, CancellationToken cancellationToken)
    {
        try
        {
            var response = await session.Connection.RequestAsync(new Request { ListConversations = new ListConversations() }, cancellationToken);
            if (response.Conversations is null)
            {
                throw ParleyException.From(response.Error ?? new Error { Code = ErrorCode.Internal, Message = "no conversation list" });
            }
            var conversations = response.Conversations.Conversations.ToList();
            await RunAsync(async () =>
            {
                await ApplyConversationListAsync(conversations);
                session.Refreshed = true;
                CompleteSyncIfReady(session);
            });
            if (_options.FollowPresence)
            {
                await FollowPresenceAsync(session, conversations.SelectMany(c => c.Members).Select(m => m.AccountId), cancellationToken);
            }
        }
        catch (Exception error) when (error is ParleyException or OperationCanceledException or ObjectDisposedException)
        {
            // The next connection refreshes again; until then the device is not synced.
            ClientLog.RefreshFailed(_options.Logger, "*", error.Message);
        }
    }

    /// <summary>Fetches one conversation (new to the device, or its members changed) and applies it.</summary>
    private async Task RefreshConversationAsync(ConnectionSession session, string conversationId)
    {
        try
        {
            var response = await session.Connection.RequestAsync(new Request { GetConversation = new GetConversation { ConversationId = conversationId } }, _stop.Token);
            if (response.Conversation is { } conversation)
            {
                await RunAsync(() => ApplyConversationAsync(conversation));
                if (_options.FollowPresence)
                {
                    await FollowPresenceAsync(session, conversation.Members.Select(m => m.AccountId), _stop.Token);
                }
            }
            else if (response.Error?.Code == ErrorCode.NotFound)
            {
                await RunAsync(() => LeftConversationAsync(conversationId));
            }
        }
        catch (Exception error) when (error is ConnectionLostException or OperationCanceledException or ObjectDisposedException)
        {
            // The next connection's conversation list brings it.
            ClientLog.RefreshFailed(_options.Logger, conversationId, error.Message);
        }
    }

    private async Task FollowPresenceAsync(ConnectionSession session, IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        List<string> fresh;
        lock (session.FollowedPresence)
        {
            fresh = accountIds.Where(a => a != AccountId && session.FollowedPresence.Add(a)).ToList();
        }
        foreach (var batch in fresh.Chunk(PresenceBatch))
        {
            var subscribe = new SubscribePresence();
            subscribe.AccountIds.AddRange(batch);
            var response = await session.Connection.RequestAsync(new Request { SubscribePresence = subscribe }, cancellationToken);
            foreach (var presence in response.Presence?.Presence ?? [])
            {
                if (_presence.Update(presence) is { } state)
                {
                    Raise(PresenceChanged, state);
                }
            }
        }
    }

    private async Task ApplyConversationListAsync(IReadOnlyList<Conversation> conversations)
    {
        foreach (var conversation in conversations)
        {
            await ApplyConversationAsync(conversation);
        }
        // Conversations the node no longer lists are ones the account has left or was removed from.
        var listed = conversations.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var local in await _store.GetConversationsAsync(_stop.Token))
        {
            if (!listed.Contains(local.Id) && local.Member(AccountId) is not null)
            {
                await LeftConversationAsync(local.Id);
            }
        }
    }

    private async Task<ConversationRecord> ApplyConversationAsync(Conversation conversation)
    {
        var before = await _store.GetConversationAsync(conversation.Id, _stop.Token);
        var after = ReceiptBook.Merge(before, conversation, AccountId);
        await _store.PutConversationAsync(after, _stop.Token);
        _knownConversations.Add(after.Id);
        if (Identity.PhoneNumber.Length == 0 && after.Member(AccountId) is { PhoneNumber.Length: > 0 } self)
        {
            // A linked device learns its account's number from the first conversation that lists it.
            Identity = Identity with { PhoneNumber = self.PhoneNumber };
            await _store.SetIdentityAsync(Identity, _stop.Token);
        }
        Announce(before, after);
        return after;
    }

    /// <summary>The account is no longer a member: the conversation stays readable, without the account among its members.</summary>
    private async Task LeftConversationAsync(string conversationId)
    {
        if (await _store.GetConversationAsync(conversationId, _stop.Token) is not { } before)
        {
            return;
        }
        var after = before with { Members = before.Members.Where(m => m.AccountId != AccountId).ToList() };
        await _store.PutConversationAsync(after, _stop.Token);
        Announce(before, after);
    }

    private void Announce(ConversationRecord? before, ConversationRecord after)
    {
        foreach (var (status, upTo) in ReceiptBook.Changes(before, after))
        {
            Raise(MessageStatusChanged, new StatusUpdate(after.Id, status, upTo, null));
        }
        Raise(ConversationChanged, new ConversationUpdate(after));
    }

    private void CompleteSyncIfReady(ConnectionSession session)
    {
        if (!session.CaughtUp || !session.Refreshed)
        {
            return;
        }
        lock (_stateLock)
        {
            _synced.TrySetResult();
        }
        RaiseSynced();
    }
}
