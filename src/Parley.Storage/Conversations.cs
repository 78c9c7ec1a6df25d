using Orleans;

namespace Parley.Storage;

public enum ConversationKind
{
    Direct = 1,
    Group = 2,
}

public enum MemberRole
{
    Member = 1,
    Admin = 2,
}

public enum EntryKind
{
    /// <summary>A message: opaque payload bytes, common or per device.</summary>
    Message = 1,

    /// <summary>A group membership change: the payload is a protocol MembershipChange.</summary>
    Membership = 2,
}

/// <summary>One payload meant for one device.</summary>
[GenerateSerializer, Immutable]
public sealed record DevicePayload(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] uint DeviceId,
    [property: Id(2)] byte[] Payload);

/// <summary>
/// One entry of a conversation's log. As appended it carries every per-device payload; as fanned
/// out to an account only that account's; as read for one device only that device's, in
/// <see cref="Payload"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LogEntry(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] ulong Seq,
    [property: Id(2)] ulong Timestamp,
    [property: Id(3)] Guid SenderAccount,
    [property: Id(4)] uint SenderDevice,
    [property: Id(5)] byte[]? ClientMessageId,
    [property: Id(6)] EntryKind Kind,
    [property: Id(7)] byte[]? Payload,
    [property: Id(8)] bool PerDevice,
    [property: Id(9)] IReadOnlyList<DevicePayload>? DevicePayloads)
{
    /// <summary>The payload meant for one device: the common one, or its own per-device one (null if none).</summary>
    public byte[]? PayloadFor(Guid accountId, uint deviceId)
    {
        if (!PerDevice)
        {
            return Payload;
        }
        if (DevicePayloads is null)
        {
            return Payload; // read for one device: already resolved
        }
        foreach (var payload in DevicePayloads)
        {
            if (payload.AccountId == accountId && payload.DeviceId == deviceId)
            {
                return payload.Payload;
            }
        }
        return null;
    }

    /// <summary>The same entry with only the per-device payloads of one account.</summary>
    public LogEntry ForAccount(Guid accountId) =>
        DevicePayloads is null ? this : this with { DevicePayloads = DevicePayloads.Where(p => p.AccountId == accountId).ToArray() };
}

/// <summary>A member as stored: its role, the part of the log it may see, and its receipt watermarks.</summary>
public sealed record MemberRecord(
    Guid AccountId,
    MemberRole Role,
    ulong JoinedSeq,
    ulong? LeftSeq,
    ulong DeliveredSeq,
    ulong ReadSeq)
{
    public bool IsCurrent => LeftSeq is null;
}

/// <summary>How far one device has acknowledged one conversation.</summary>
public sealed record DeviceCursor(Guid AccountId, uint DeviceId, ulong AckedSeq);

/// <summary>A log entry's identity for deduplication and receipts.</summary>
public sealed record RecentEntry(ulong Seq, ulong Timestamp, Guid SenderAccount, byte[]? ClientMessageId);

/// <summary>Everything a conversation's actor needs to resume.</summary>
public sealed record ConversationState(
    string Id,
    ConversationKind Kind,
    string Name,
    long CreatedMs,
    ulong HeadSeq,
    ulong HeadTimestamp,
    IReadOnlyList<MemberRecord> Members,
    IReadOnlyList<DeviceCursor> Cursors,
    IReadOnlyList<RecentEntry> RecentEntries);

/// <summary>The conversation row, written with its first entry.</summary>
public sealed record NewConversation(ConversationKind Kind, string Name, long CreatedMs);

/// <summary>
/// Where a device stands in one conversation it may read: it has seen up to <see cref="Position"/>
/// (its own cursor, else its last acknowledgement, else just before the member joined) and the log
/// visible to it ends at <see cref="VisibleHead"/>.
/// </summary>
public sealed record SyncPosition(string ConversationId, ulong Position, ulong VisibleHead);

/// <summary>Conversations and their logs.</summary>
public interface IConversationStore
{
    /// <summary>The conversation with its members, device cursors and its newest entries; null if it does not exist.</summary>
    Task<ConversationState?> LoadAsync(string conversationId, int recentEntries);

    /// <summary>
    /// Appends one entry, atomically with the member changes it makes. Creates the conversation when
    /// <paramref name="created"/> is given (the entry must then be seq 1); otherwise the entry must
    /// follow the stored head exactly, so two writers can never fork a log.
    /// </summary>
    Task AppendAsync(LogEntry entry, NewConversation? created, IReadOnlyList<MemberRecord> memberChanges);

    /// <summary>
    /// A sender's earlier entry with this client message id after <paramref name="afterSeq"/>, for
    /// retries older than the actor remembers. Costs a scan of those entries: keep the range bounded.
    /// </summary>
    Task<RecentEntry?> FindByClientMessageIdAsync(string conversationId, Guid sender, byte[] clientMessageId, ulong afterSeq);

    /// <summary>Saves device cursors and member watermarks (receipts) in one commit.</summary>
    Task SavePositionsAsync(string conversationId, IReadOnlyList<DeviceCursor> cursors, IReadOnlyList<MemberRecord> watermarks);

    /// <summary>
    /// The device's positions in the conversations its account may read (one conversation, or all).
    /// <paramref name="clientCursors"/> override the stored positions where given.
    /// </summary>
    Task<IReadOnlyList<SyncPosition>> GetSyncPositionsAsync(
        Guid accountId, uint deviceId, IReadOnlyDictionary<string, ulong> clientCursors, string? conversationId = null);

    /// <summary>Entries after <paramref name="afterSeq"/> that the account may see, with this device's payloads, in order.</summary>
    Task<IReadOnlyList<LogEntry>> ReadAsync(Guid accountId, uint deviceId, string conversationId, ulong afterSeq, int limit);

    /// <summary>Ids of the conversations the account is a current member of.</summary>
    Task<IReadOnlyList<string>> ListConversationIdsAsync(Guid accountId);

    /// <summary>True when both accounts are current members of some conversation.</summary>
    Task<bool> ShareConversationAsync(Guid a, Guid b);

    /// <summary>
    /// Retention: deletes entries older than <paramref name="olderThanTimestamp"/> that every device
    /// of every current member has acknowledged. Returns how many.
    /// </summary>
    Task<int> PruneAsync(ulong olderThanTimestamp);
}

/// <summary>An append that does not follow the stored head: the log would fork or gap, so nothing was written.</summary>
public sealed class LogConflictException(string conversationId, ulong seq)
    : Exception($"Conversation {conversationId}: seq {seq} does not follow the stored head.");
