using Google.Protobuf;
using Parley.Protocol;
using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>Log entries as one device receives them on the wire.</summary>
public static class WireEntries
{
    public static Entry ToWire(LogEntry entry, Guid accountId, uint deviceId)
    {
        var wire = new Entry
        {
            ConversationId = entry.ConversationId,
            Seq = entry.Seq,
            Timestamp = entry.Timestamp,
            SenderAccountId = entry.SenderAccount.ToString(),
            SenderDeviceId = entry.SenderDevice,
        };
        if (entry.ClientMessageId is { } clientMessageId)
        {
            wire.ClientMessageId = UnsafeByteOperations.UnsafeWrap(clientMessageId);
        }
        if (entry.Kind == EntryKind.Membership)
        {
            wire.Membership = MembershipChange.Parser.ParseFrom(entry.Payload);
        }
        else if (entry.PayloadFor(accountId, deviceId) is { } payload)
        {
            // Entries are immutable once stored, so the bytes are shared, not copied.
            wire.Payload = UnsafeByteOperations.UnsafeWrap(payload);
        }
        else
        {
            wire.PayloadMissing = true;
        }
        return wire;
    }
}
