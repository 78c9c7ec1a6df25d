using Parley.Protocol;

namespace Parley.Client.Messaging;

/// <summary>What a row of a conversation shows.</summary>
public enum MessageKind
{
    /// <summary>A text message (possibly edited, deleted, reacted to, or a reply).</summary>
    Text,

    /// <summary>A change of a group's members.</summary>
    Membership,

    /// <summary>A message this device got no readable payload for.</summary>
    Unreadable,

    /// <summary>Content of a kind this client does not know (from a newer client).</summary>
    Unsupported,
}

/// <summary>
/// One row of a conversation as an app shows it: a message with its edits, deletion and reactions
/// applied, or a membership change. Edits, deletions and reactions are entries of the log too, but
/// they change the row they refer to rather than making rows of their own.
/// </summary>
/// <param name="Seq">The message's place in the log; 0 while it waits in the outbox.</param>
/// <param name="ClientMessageId">The sender's id of the message (16 bytes), by which other messages refer to it.</param>
/// <param name="Status">Ticks for own messages; <see cref="MessageStatus.Received"/> for everyone else's.</param>
/// <param name="Reactions">Each member's reaction (account id → emoji).</param>
/// <param name="Receipts">Per other member: delivered and read (from the watermarks).</param>
public sealed record Message(
    string ConversationId,
    ulong Seq,
    DateTimeOffset Time,
    string SenderAccountId,
    uint SenderDeviceId,
    byte[] ClientMessageId,
    MessageKind Kind,
    string Text,
    bool IsOwn,
    MessageStatus Status,
    byte[]? ReplyTo = null,
    bool Edited = false,
    bool Deleted = false,
    IReadOnlyDictionary<string, string>? Reactions = null,
    MembershipChange? Membership = null,
    IReadOnlyList<MemberReceipt>? Receipts = null)
{
    /// <summary>The client message id as 32 lower-case hex digits.</summary>
    public string Id => Convert.ToHexStringLower(ClientMessageId);
}
