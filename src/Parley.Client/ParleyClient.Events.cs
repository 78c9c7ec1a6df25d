using Parley.Client.Connections;
using Parley.Client.Content;
using Parley.Client.Ephemeral;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    /// <summary>The connection's state changed (connecting, syncing, online, waiting to reconnect, refused).</summary>
    public event EventHandler<ConnectionStatus>? ConnectionChanged;

    /// <summary>A new entry was stored (each entry once, however often the node delivered it), the device's own from other devices included.</summary>
    public event EventHandler<ReceivedMessage>? MessageReceived;

    /// <summary>Own messages' ticks moved: queued, sent, delivered, read, or refused.</summary>
    public event EventHandler<StatusUpdate>? MessageStatusChanged;

    /// <summary>Someone started or stopped typing.</summary>
    public event EventHandler<TypingUpdate>? TypingChanged;

    /// <summary>A followed account came online, went offline, or changed its last-seen.</summary>
    public event EventHandler<PresenceState>? PresenceChanged;

    /// <summary>A conversation's description, members or watermarks changed (the list shows it differently).</summary>
    public event EventHandler<ConversationUpdate>? ConversationChanged;

    /// <summary>The device has everything the node had when it connected, and fresh receipts.</summary>
    public event EventHandler? Synced;

    /// <summary>An event handler threw; the client goes on.</summary>
    public event EventHandler<Exception>? HandlerFailed;

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is not null)
        {
            _events.Writer.TryWrite(() => handler(this, args));
        }
    }

    private void RaiseSynced()
    {
        if (Synced is { } handler)
        {
            _events.Writer.TryWrite(() => handler(this, EventArgs.Empty));
        }
    }

    /// <summary>Runs handlers one at a time, in order, away from the connection's own loops.</summary>
    private async Task DispatchEventsAsync()
    {
        await foreach (var raise in _events.Reader.ReadAllAsync())
        {
            try
            {
                raise();
            }
            catch (Exception error)
            {
                ClientLog.HandlerFailed(_options.Logger, error);
                HandlerFailed?.Invoke(this, error);
            }
        }
    }
}

/// <summary>A newly stored entry, with its content decoded (null when unreadable or not a message).</summary>
public sealed record ReceivedMessage(StoredEntry Entry, MessageContent? Content, MembershipChange? Membership, bool IsOwn);

/// <summary>
/// Ticks moved. <see cref="MessageStatus.Pending"/>, <see cref="MessageStatus.Sent"/> and
/// <see cref="MessageStatus.Failed"/> name one message (<see cref="ClientMessageId"/>; for sent, its
/// seq in <see cref="UpToSeq"/>); <see cref="MessageStatus.Delivered"/> and
/// <see cref="MessageStatus.Read"/> cover every own message of the conversation up to <see cref="UpToSeq"/>.
/// <see cref="ConversationId"/> is null for a first message to a peer until the node has stored it.
/// </summary>
public sealed record StatusUpdate(string? ConversationId, MessageStatus Status, ulong UpToSeq, byte[]? ClientMessageId);

/// <summary>Someone (one of their devices) started or stopped typing; show it until <see cref="Until"/> unless refreshed.</summary>
public sealed record TypingUpdate(string ConversationId, string AccountId, uint DeviceId, bool Typing, DateTimeOffset Until);

/// <summary>A conversation as it now stands.</summary>
public sealed record ConversationUpdate(ConversationRecord Conversation);
