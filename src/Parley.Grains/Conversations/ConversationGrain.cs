using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Parley.Grains.Accounts;
using Parley.Protocol;
using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// The actor of one conversation. Decisions are the <see cref="Conversation"/>'s; this class loads
/// it, persists what it appends (awaiting the commit before answering anyone), fans entries and
/// receipts out, and batches cursor writes.
///
/// It is reentrant so that sends to one conversation pipeline into the store's group commit rather
/// than waiting for each other's fsync. That is safe because every decision (seq, timestamp,
/// membership) is taken synchronously, between awaits; after a failed commit the actor refuses
/// everything and deactivates, so the log reloads from what is durable.
/// </summary>
[Reentrant]
public sealed partial class ConversationGrain(
    IConversationStore store,
    IAccountStore accounts,
    Delivery delivery,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain
{
    private readonly Dictionary<ulong, Task> _pendingCommits = [];
    private readonly Dictionary<Guid, string> _phoneNumbers = [];
    private readonly PositionBatch _positions = new();
    private Conversation _conversation = null!;
    private Task? _flushing;
    private bool _broken;

    private string Id => this.GetPrimaryKeyString();

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private ConversationOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var state = await store.LoadAsync(Id, Options.DedupWindow);
        _conversation = state is null ? Conversation.New(Id, Options.DedupWindow) : Conversation.Load(state, Options.DedupWindow);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flushing is not null)
        {
            await _flushing;
        }
    }

    public async Task<SendResult> Send(SendCommand command)
    {
        if (_broken)
        {
            return Unavailable();
        }
        if (!_conversation.Exists)
        {
            if (command.Peer is not { } peer || ConversationIds.Direct(command.Sender, peer) != Id
                || peer != command.Sender && await accounts.GetAccountAsync(peer) is null)
            {
                return SendResult.Fail(ConversationError.NotFound, "no such conversation");
            }
            if (!_conversation.Exists) // another send may have started it while we looked the peer up
            {
                _conversation.StartDirect(command.Sender, peer, NowMs);
            }
        }
        if (!_conversation.IsCurrentMember(command.Sender))
        {
            return SendResult.Fail(ConversationError.NotFound, "no such conversation");
        }
        if (await FindOriginalAsync(command) is { } original)
        {
            return original;
        }
        var append = _conversation.AppendMessage(command.Sender, command.Device, command.ClientMessageId, command.Payload, command.DevicePayloads, NowMs);
        if (!await CommitAsync(append))
        {
            return Unavailable();
        }
        Deliver(append.Entry);
        return new SendResult(ConversationError.None, "", append.Entry.Seq, append.Entry.Timestamp, Duplicate: false);
    }

    public async Task<ConversationView?> Get(Guid asker)
    {
        if (!_conversation.IsCurrentMember(asker))
        {
            return null;
        }
        var members = _conversation.CurrentMembers.ToList();
        var missing = members.Select(m => m.AccountId).Where(a => !_phoneNumbers.ContainsKey(a)).ToList();
        if (missing.Count > 0)
        {
            foreach (var (account, phone) in await accounts.GetPhoneNumbersAsync(missing))
            {
                _phoneNumbers[account] = phone;
            }
        }
        // Re-read after the await: the membership may have changed meanwhile.
        return new ConversationView(
            Id,
            _conversation.Kind,
            _conversation.Name,
            _conversation.Head,
            _conversation.CurrentMembers
                .Select(m => new MemberView(m.AccountId, _phoneNumbers.GetValueOrDefault(m.AccountId, ""), m.Role, m.DeliveredSeq, m.ReadSeq))
                .ToArray());
    }

    public Task Ack(Guid account, uint device, ulong seq)
    {
        if (_broken || _conversation.Ack(account, device, seq) is not { } change)
        {
            return Task.CompletedTask;
        }
        _positions.Cursor(change.Cursor);
        if (change.Delivered is var (after, upTo))
        {
            _positions.Delivered(change.Member, after, upTo);
        }
        _flushing ??= FlushLoopAsync();
        return Task.CompletedTask;
    }

    public async Task<ConversationError> MarkRead(Guid account, ulong seq)
    {
        if (!_conversation.IsCurrentMember(account))
        {
            return ConversationError.NotFound;
        }
        if (_conversation.MarkRead(account, seq) is { } member)
        {
            _positions.Read(member, member.ReadSeq);
            await FlushAsync();
        }
        return ConversationError.None;
    }

    public Task<ConversationError> Typing(Guid account, uint device, bool typing)
    {
        if (!_conversation.IsCurrentMember(account))
        {
            return Task.FromResult(ConversationError.NotFound);
        }
        Push(PushFrames.Typing(Id, account, device, typing, Options.TypingExpiry),
            _conversation.CurrentMembers.Select(m => m.AccountId).Where(a => a != account));
        return Task.FromResult(ConversationError.None);
    }

    /// <summary>The original entry of a retried send, from memory or (for an older retry) from the store.</summary>
    private async Task<SendResult?> FindOriginalAsync(SendCommand command)
    {
        var original = _conversation.FindDuplicate(command.Sender, command.ClientMessageId);
        if (original is null && command.Retry)
        {
            var lookback = (ulong)Options.RetryLookback;
            original = await store.FindByClientMessageIdAsync(Id, command.Sender, command.ClientMessageId, _conversation.Head > lookback ? _conversation.Head - lookback : 0)
                ?? _conversation.FindDuplicate(command.Sender, command.ClientMessageId); // appended while we looked
        }
        if (original is null)
        {
            return null;
        }
        if (_pendingCommits.TryGetValue(original.Seq, out var commit))
        {
            try
            {
                await commit;
            }
            catch (Exception)
            {
                return Unavailable();
            }
        }
        ConversationLog.DuplicateSend(logger, Id, original.Seq);
        return new SendResult(ConversationError.None, "", original.Seq, original.Timestamp, Duplicate: true);
    }

    /// <summary>Persists one append; false (and the actor stops serving) when the store refused it.</summary>
    private async Task<bool> CommitAsync(Append append)
    {
        var commit = store.AppendAsync(append.Entry, append.Created, append.MemberChanges);
        _pendingCommits[append.Entry.Seq] = commit;
        try
        {
            await commit;
            return true;
        }
        catch (Exception error)
        {
            if (!_broken)
            {
                _broken = true;
                ConversationLog.CommitFailed(logger, Id, append.Entry.Seq, error);
                DeactivateOnIdle();
            }
            return false;
        }
        finally
        {
            _pendingCommits.Remove(append.Entry.Seq);
        }
    }

    private void Deliver(LogEntry entry)
    {
        foreach (var account in _conversation.AudienceOf(entry.Seq))
        {
            delivery.Deliver(account, entry.ForAccount(account));
        }
    }

    /// <summary>
    /// Writes the pending cursors and watermarks, then sends the receipts they carry. One flush runs
    /// at a time; what arrives meanwhile goes into the next, so busy conversations write in batches.
    /// Completes when everything pending at the call is durable and announced.
    /// </summary>
    private Task FlushAsync()
    {
        _flushing ??= FlushLoopAsync();
        return _positions.WhenFlushed();
    }

    private async Task FlushLoopAsync()
    {
        // Let acknowledgements gather for a moment: one write (and one receipt) then covers many.
        await Task.Delay(Options.ReceiptFlushDelay);
        while (_positions.TakeBatch() is { } batch)
        {
            try
            {
                await store.SavePositionsAsync(Id, batch.Cursors, batch.Watermarks);
                AnnounceReceipts(batch);
                batch.Done.TrySetResult();
            }
            catch (Exception error)
            {
                ConversationLog.PositionsFailed(logger, Id, error);
                batch.Done.TrySetException(error);
            }
        }
        _flushing = null;
    }

    /// <summary>
    /// Receipts for what a batch made durable: a delivered receipt goes to the senders of the entries
    /// it covers; a read receipt to every member, the reader's own account too (its other devices
    /// mark the chat read).
    /// </summary>
    private void AnnounceReceipts(PositionBatch.Batch batch)
    {
        foreach (var (member, (after, upTo)) in batch.Delivered)
        {
            var recipients = _conversation.SendersBetween(after, upTo, member)
                ?? _conversation.CurrentMembers.Select(m => m.AccountId).Where(a => a != member).ToList();
            Push(PushFrames.Receipt(Id, member, ReceiptKind.Delivered, upTo), recipients);
        }
        foreach (var (member, upTo) in batch.Read)
        {
            Push(PushFrames.Receipt(Id, member, ReceiptKind.Read, upTo), _conversation.CurrentMembers.Select(m => m.AccountId));
        }
    }

    private void Push(byte[] frame, IEnumerable<Guid> accounts)
    {
        var immutable = new Immutable<byte[]>(frame);
        foreach (var account in accounts)
        {
            delivery.Push(account, immutable);
        }
    }

    private static SendResult Unavailable() =>
        SendResult.Fail(ConversationError.Unavailable, "the conversation could not store the message; retry");
}

internal static partial class ConversationLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Conversation {ConversationId}: retried send answered with seq {Seq}")]
    public static partial void DuplicateSend(ILogger logger, string conversationId, ulong seq);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Conversation {ConversationId}: commit of seq {Seq} failed; the actor stops and reloads from the store")]
    public static partial void CommitFailed(ILogger logger, string conversationId, ulong seq, Exception error);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Conversation {ConversationId}: saving cursors and receipts failed")]
    public static partial void PositionsFailed(ILogger logger, string conversationId, Exception error);
}
