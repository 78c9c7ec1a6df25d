using Parley.Client.Ephemeral;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    // ----- conversations and groups ---------------------------------------------------------------

    /// <summary>Creates a group with the caller as admin; returns it as stored locally.</summary>
    public async Task<ConversationRecord> CreateGroupAsync(string name, IEnumerable<string> memberAccountIds, CancellationToken cancellationToken = default)
    {
        var create = new CreateGroup { Name = name };
        create.MemberAccountIds.AddRange(memberAccountIds);
        return await ConversationRequestAsync(new Request { CreateGroup = create }, cancellationToken);
    }

    public async Task<ConversationRecord> AddMembersAsync(string conversationId, IEnumerable<string> accountIds, CancellationToken cancellationToken = default)
    {
        var add = new AddMembers { ConversationId = conversationId };
        add.AccountIds.AddRange(accountIds);
        return await ConversationRequestAsync(new Request { AddMembers = add }, cancellationToken);
    }

    public Task<ConversationRecord> RemoveMemberAsync(string conversationId, string accountId, CancellationToken cancellationToken = default) =>
        ConversationRequestAsync(new Request { RemoveMember = new RemoveMember { ConversationId = conversationId, AccountId = accountId } }, cancellationToken);

    public Task<ConversationRecord> PromoteMemberAsync(string conversationId, string accountId, CancellationToken cancellationToken = default) =>
        ConversationRequestAsync(new Request { PromoteMember = new PromoteMember { ConversationId = conversationId, AccountId = accountId } }, cancellationToken);

    public async Task LeaveGroupAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await RequestAsync(new Request { LeaveGroup = new LeaveGroup { ConversationId = conversationId } }, cancellationToken);
        await RunAsync(() => LeftConversationAsync(conversationId));
    }

    /// <summary>Fetches a conversation from the node (members, watermarks) and stores it.</summary>
    public Task<ConversationRecord> FetchConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        ConversationRequestAsync(new Request { GetConversation = new GetConversation { ConversationId = conversationId } }, cancellationToken);

    /// <summary>Fetches every conversation of the account from the node and stores them.</summary>
    public async Task<IReadOnlyList<ConversationRecord>> FetchConversationsAsync(CancellationToken cancellationToken = default)
    {
        var response = await RequestAsync(new Request { ListConversations = new ListConversations() }, cancellationToken);
        var conversations = response.Conversations.Conversations.ToList();
        await RunAsync(() => ApplyConversationListAsync(conversations));
        var ids = conversations.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return (await _store.GetConversationsAsync(cancellationToken)).Where(c => ids.Contains(c.Id)).ToList();
    }

    // ----- reading, typing ------------------------------------------------------------------------

    /// <summary>Marks everything up to <paramref name="seq"/> read: the other members see read receipts; the account's other devices clear the unread count.</summary>
    public async Task MarkReadAsync(string conversationId, ulong seq, CancellationToken cancellationToken = default)
    {
        await RequestAsync(new Request { MarkRead = new MarkRead { ConversationId = conversationId, Seq = seq } }, cancellationToken);
        await RunAsync(async () =>
        {
            if (await _store.GetConversationAsync(conversationId, _stop.Token) is { } before)
            {
                var after = ReceiptBook.Apply(before, AccountId, ReceiptKind.Read, seq, AccountId);
                await _store.PutConversationAsync(after, _stop.Token);
                Announce(before, after);
            }
        });
    }

    /// <summary>Marks every stored entry of the conversation read; returns the seq marked (0 when there is nothing).</summary>
    public async Task<ulong> MarkAllReadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var last = (await _store.GetEntriesAsync(conversationId, 1, cancellationToken: cancellationToken)).LastOrDefault()?.Seq ?? 0;
        if (last > 0 && last > ((await _store.GetConversationAsync(conversationId, cancellationToken))?.Member(AccountId)?.ReadSeq ?? 0))
        {
            await MarkReadAsync(conversationId, last, cancellationToken);
        }
        return last;
    }

    /// <summary>Says whether the user is typing in a conversation (the node shows it to the others for a few seconds).</summary>
    public async Task SetTypingAsync(string conversationId, bool typing, CancellationToken cancellationToken = default) =>
        await RequestAsync(new Request { SetTyping = new SetTyping { ConversationId = conversationId, Typing = typing } }, cancellationToken);

    /// <summary>Call on every keystroke: says "typing" when it is due (first, then every few seconds).</summary>
    public async Task KeystrokeAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        if (_typingThrottle.Keystroke(conversationId, _options.Time.GetUtcNow()))
        {
            await SetTypingAsync(conversationId, true, cancellationToken);
        }
    }

    /// <summary>Call when the user stops typing (sent, cleared, left the chat): says "stopped" if "typing" was said.</summary>
    public async Task StoppedTypingAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        if (_typingThrottle.Stop(conversationId))
        {
            await SetTypingAsync(conversationId, false, cancellationToken);
        }
    }

    /// <summary>The accounts typing in a conversation now.</summary>
    public IReadOnlyList<string> TypingIn(string conversationId) => _typing.TypingIn(conversationId, _options.Time.GetUtcNow());

    // ----- accounts and presence -----------------------------------------------------------------

    /// <summary>The account id of a phone number (from the device's conversations when it knows it, else from the node).</summary>
    public async Task<string> LookupAccountAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        if (phoneNumber == Identity.PhoneNumber)
        {
            return AccountId;
        }
        foreach (var conversation in await _store.GetConversationsAsync(cancellationToken))
        {
            if (conversation.Members.FirstOrDefault(m => m.PhoneNumber == phoneNumber) is { } member)
            {
                return member.AccountId;
            }
        }
        var response = await RequestAsync(new Request { LookupAccount = new LookupAccount { PhoneNumber = phoneNumber } }, cancellationToken);
        return response.Account.AccountId;
    }

    /// <summary>
    /// Reads a recipient as people write it: a conversation id (d_… or g_…), a phone number (+…),
    /// or an account id.
    /// </summary>
    public async Task<Recipient> ResolveAsync(string to, CancellationToken cancellationToken = default)
    {
        if (Recipient.IsConversationId(to))
        {
            return Recipient.Conversation(to);
        }
        if (to.StartsWith('+'))
        {
            return Recipient.Account(await LookupAccountAsync(to, cancellationToken));
        }
        if (Guid.TryParse(to, out _))
        {
            return Recipient.Account(to);
        }
        throw new ParleyException(ErrorCode.InvalidRequest, $"'{to}' is neither a phone number (+…), a conversation id (d_…, g_…) nor an account id");
    }

    /// <summary>Follows accounts' presence for as long as the connection lives (the client follows every member of its conversations on its own).</summary>
    public async Task<IReadOnlyList<PresenceState>> SubscribePresenceAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken = default)
    {
        var subscribe = new SubscribePresence();
        subscribe.AccountIds.AddRange(accountIds);
        var response = await RequestAsync(new Request { SubscribePresence = subscribe }, cancellationToken);
        var states = new List<PresenceState>();
        foreach (var presence in response.Presence.Presence)
        {
            if (_presence.Update(presence) is { } changed)
            {
                Raise(PresenceChanged, changed);
            }
            states.Add(PresenceState.From(presence));
        }
        return states;
    }

    /// <summary>The last known presence of an account, if the device follows it.</summary>
    public PresenceState? PresenceOf(string accountId) => _presence.Get(accountId);

    /// <summary>Hides (or shows) the account's last-seen from everyone.</summary>
    public async Task SetPrivacyAsync(bool hideLastSeen, CancellationToken cancellationToken = default) =>
        await RequestAsync(new Request { SetPrivacy = new SetPrivacy { HideLastSeen = hideLastSeen } }, cancellationToken);

    // ----- devices --------------------------------------------------------------------------------

    public async Task<IReadOnlyList<Device>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        (await RequestAsync(new Request { ListDevices = new ListDevices() }, cancellationToken)).Devices.Devices.ToList();

    public async Task RenameDeviceAsync(uint deviceId, string name, CancellationToken cancellationToken = default) =>
        await RequestAsync(new Request { RenameDevice = new RenameDevice { DeviceId = deviceId, Name = name } }, cancellationToken);

    /// <summary>Revokes a device of the account (this one too: that logs it out).</summary>
    public async Task RevokeDeviceAsync(uint deviceId, CancellationToken cancellationToken = default) =>
        await RequestAsync(new Request { RevokeDevice = new RevokeDevice { DeviceId = deviceId } }, cancellationToken);

    /// <summary>A one-use code with which a new device joins the account.</summary>
    public async Task<LinkCode> CreateLinkCodeAsync(CancellationToken cancellationToken = default) =>
        (await RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() }, cancellationToken)).LinkCode;

    // ----- the local view -------------------------------------------------------------------------

    /// <summary>The conversations the device knows, as stored.</summary>
    public Task<IReadOnlyList<ConversationRecord>> GetConversationsAsync(CancellationToken cancellationToken = default) => _store.GetConversationsAsync(cancellationToken);

    public Task<ConversationRecord?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _store.GetConversationAsync(conversationId, cancellationToken);

    /// <summary>The last rows of a conversation (stored messages folded with their edits and reactions, then the outbox's), with ticks and receipts.</summary>
    public async Task<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, int lastEntries = 500, CancellationToken cancellationToken = default)
    {
        var conversation = await _store.GetConversationAsync(conversationId, cancellationToken);
        var entries = await _store.GetEntriesAsync(conversationId, lastEntries, cancellationToken: cancellationToken);
        var outbox = await _store.GetOutboxAsync(cancellationToken);
        return Timeline.Fold(entries, outbox, conversation ?? new ConversationRecord(conversationId, ConversationKind.Unspecified, "", [], 0), AccountId);
    }

    /// <summary>Messages from others the account has not read in a conversation.</summary>
    public async Task<int> UnreadCountAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var read = (await _store.GetConversationAsync(conversationId, cancellationToken))?.Member(AccountId)?.ReadSeq ?? 0;
        return await _store.CountMessagesAsync(conversationId, read, AccountId, cancellationToken);
    }

    // ----- plumbing -------------------------------------------------------------------------------

    private async Task<ConversationRecord> ConversationRequestAsync(Request request, CancellationToken cancellationToken)
    {
        var response = await RequestAsync(request, cancellationToken);
        var conversation = response.Conversation;
        var record = await RunAsync(() => ApplyConversationAsync(conversation));
        if (_options.FollowPresence && _session is { } session)
        {
            _ = FollowPresenceQuietlyAsync(session, conversation.Members.Select(m => m.AccountId));
        }
        return record;
    }

    private async Task FollowPresenceQuietlyAsync(ConnectionSession session, IEnumerable<string> accountIds)
    {
        try
        {
            await FollowPresenceAsync(session, accountIds, _stop.Token);
        }
        catch (Exception error) when (error is ParleyException or OperationCanceledException or ObjectDisposedException)
        {
            ClientLog.RefreshFailed(_options.Logger, "presence", error.Message);
        }
    }

    /// <summary>
    /// Sends a request over the current connection (waiting for one, up to the request timeout) and
    /// returns a successful response; a refusal throws <see cref="ParleyException"/> with the node's code.
    /// </summary>
    private async Task<Response> RequestAsync(Request request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        deadline.CancelAfter(_options.RequestTimeout);
        var connection = await ConnectionAsync(deadline.Token);
        Response response;
        try
        {
            response = await connection.RequestAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            throw new ParleyException(ErrorCode.Unavailable, $"the node did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        if (response.Error is { } error)
        {
            throw ParleyException.From(error);
        }
        return response;
    }
}
