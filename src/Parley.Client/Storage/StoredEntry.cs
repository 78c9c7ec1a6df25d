namespace Parley.Client.Storage;

/// <summary>What an entry of a conversation's log is: a message, or a change of a group's members.</summary>
public enum EntryKind
{
    Message = 1,
    Membership = 2,
}

/// <summary>
/// One entry of a conversation's log as the device keeps it. <see cref="Body"/> is already opened:
/// for a message the encoded <see cref="Content.MessageContent"/> (the plaintext, once end-to-end encryption
/// exists), for a membership change the encoded <see cref="Protocol.MembershipChange"/>. It is empty
/// when the device got no payload of its own (<see cref="Unreadable"/>).
/// </summary>
public sealed record StoredEntry(
    string ConversationId,
    ulong Seq,
    ulong Timestamp,
    string SenderAccountId,
    uint SenderDeviceId,
    byte[] ClientMessageId,
    EntryKind Kind,
    byte[] Body,
    bool Unreadable = false)
{
    /// <summary>The wall-clock part of the hybrid logical clock timestamp.</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds((long)(Timestamp >> 16));
}
