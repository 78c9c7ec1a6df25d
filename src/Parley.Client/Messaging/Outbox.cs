using Google.Protobuf;
using Parley.Client.Sealing;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Messaging;

/// <summary>
/// The outbox's live side: which stored outbox messages are waiting, which are on the wire, and which
/// may already have reached the node (every send of those is marked as a retry, so the node answers
/// with the original seq instead of storing the message twice). The messages themselves live in the
/// <see cref="ILocalStore"/>, so they survive a restart of the app; after a restart every message is
/// treated as possibly sent.
/// </summary>
public sealed class Outbox
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, Slot> _slots = [];

    /// <summary>Takes over what the store's outbox holds (at start-up): each may have been sent before the app stopped.</summary>
    public void Restore(IEnumerable<OutboxItem> items)
    {
        lock (_lock)
        {
            foreach (var item in items.Where(i => i.Failure is null))
            {
                _slots.TryAdd(item.Id, new Slot(item) { MaybeSent = true });
            }
        }
    }

    /// <summary>Tracks a message just added to the store's outbox; the task completes when the node stores it (or refuses it).</summary>
    public Task<SentMessage> Add(OutboxItem item)
    {
        lock (_lock)
        {
            var slot = new Slot(item);
            _slots.Add(item.Id, slot);
            return slot.Done.Task;
        }
    }

    /// <summary>The task of a waiting message (restored ones included), or null when it is not waiting.</summary>
    public Task<SentMessage>? Completion(long id)
    {
        lock (_lock)
        {
            return _slots.TryGetValue(id, out var slot) ? slot.Done.Task : null;
        }
    }

    /// <summary>The content of a waiting message, by its client message id (null when none waits with it).</summary>
    public byte[]? ContentOf(ReadOnlySpan<byte> clientMessageId)
    {
        lock (_lock)
        {
            foreach (var slot in _slots.Values)
            {
                if (clientMessageId.SequenceEqual(slot.Item.ClientMessageId))
                {
                    return slot.Item.Content;
                }
            }
            return null;
        }
    }

    /// <summary>The tasks of every waiting message.</summary>
    public IReadOnlyList<Task<SentMessage>> Completions()
    {
        lock (_lock)
        {
            return _slots.Values.Select(s => s.Done.Task).ToList();
        }
    }

    /// <summary>Stops tracking a message (the app discarded it).</summary>
    public void Discard(long id)
    {
        lock (_lock)
        {
            if (_slots.Remove(id, out var slot))
            {
                slot.Done.TrySetCanceled();
            }
        }
    }

    /// <summary>Messages waiting in the outbox and not on the wire, oldest first.</summary>
    public IReadOnlyList<OutboxItem> Ready()
    {
        lock (_lock)
        {
            return _slots.Values.Where(s => !s.InFlight).Select(s => s.Item).ToList();
        }
    }

    /// <summary>How many messages wait (on the wire or not).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>
    /// Puts a message on the wire: returns the send request (marked as a retry when it may have been
    /// sent before) and from then on counts it as possibly sent. Null when it is no longer waiting or
    /// is already on the wire.
    /// </summary>
    public SendMessage? Dispatch(long id, SealedPayload payload)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue(id, out var slot) || slot.InFlight)
            {
                return null;
            }
            var item = slot.Item;
            var send = new SendMessage
            {
                ClientMessageId = ByteString.CopyFrom(item.ClientMessageId),
                Retry = slot.MaybeSent,
            };
            if (item.ConversationId is { } conversation)
            {
                send.ConversationId = conversation;
            }
            else
            {
                send.PeerAccountId = item.PeerAccountId ?? throw new InvalidOperationException("an outbox message needs a conversation or a peer");
            }
            if (payload.Shared is { } shared)
            {
                send.Payload = ByteString.CopyFrom(shared);
            }
            else
            {
                send.DevicePayloads.AddRange(payload.Devices!);
            }
            slot.InFlight = true;
            slot.MaybeSent = true;
            return send;
        }
    }

    /// <summary>The send did not get an answer that settles it (the connection ended, or a transient refusal): it waits again.</summary>
    public void Release(long id)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(id, out var slot))
            {
                slot.InFlight = false;
            }
        }
    }

    /// <summary>The node stored the message.</summary>
    public void Complete(long id, SentMessage sent)
    {
        lock (_lock)
        {
            if (_slots.Remove(id, out var slot))
            {
                slot.Done.TrySetResult(sent);
            }
        }
    }

    /// <summary>The node refused the message for good.</summary>
    public void Fail(long id, OutboxFailure failure)
    {
        lock (_lock)
        {
            if (_slots.Remove(id, out var slot))
            {
                slot.Done.TrySetException(new ParleyException(failure.Code, failure.Message));
            }
        }
    }

    /// <summary>What an answer to a send means for the message.</summary>
    public static SendOutcome Classify(Response response) => response.BodyCase switch
    {
        Response.BodyOneofCase.Send => SendOutcome.Stored,
        Response.BodyOneofCase.Error => response.Error.Code switch
        {
            ErrorCode.RateLimited or ErrorCode.Unavailable or ErrorCode.Internal or ErrorCode.TooManyRequestsInFlight or ErrorCode.Conflict
                => SendOutcome.TryAgain,
            _ => SendOutcome.Refused,
        },
        _ => SendOutcome.Refused,
    };

    private sealed class Slot(OutboxItem item)
    {
        public OutboxItem Item { get; } = item;

        public bool InFlight { get; set; }

        public bool MaybeSent { get; set; }

        public TaskCompletionSource<SentMessage> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What an answer to a send means.</summary>
public enum SendOutcome
{
    /// <summary>Stored: the message has its seq (the answer may be to an earlier attempt).</summary>
    Stored,

    /// <summary>Not stored this time, but it may be next time (rate limit, a node that is busy or failing): send again later.</summary>
    TryAgain,

    /// <summary>Refused for good (not a member, too large, malformed): sending again cannot help.</summary>
    Refused,
}

/// <summary>A message the node has stored: where it stands in its conversation's log.</summary>
public sealed record SentMessage(string ConversationId, ulong Seq, ulong Timestamp, byte[] ClientMessageId, bool Duplicate);
