using Parley.Protocol;

namespace Parley.Client.Storage;

/// <summary>
/// A conversation as the device last knew it: its members with their receipt watermarks, and how far
/// the device's own messages have been delivered to and read by everyone else.
/// </summary>
/// <param name="DeliveredUpTo">Every own message up to this seq has reached every other member (never moves back).</param>
/// <param name="ReadUpTo">Every own message up to this seq has been read by every other member (never moves back).</param>
public sealed record ConversationRecord(
    string Id,
    ConversationKind Kind,
    string Name,
    IReadOnlyList<MemberRecord> Members,
    ulong HeadSeq,
    ulong DeliveredUpTo = 0,
    ulong ReadUpTo = 0)
{
    public MemberRecord? Member(string accountId) => Members.FirstOrDefault(m => m.AccountId == accountId);
}

/// <summary>A member and its watermarks: everything up to the seq has reached (been read by) one of its devices.</summary>
public sealed record MemberRecord(string AccountId, string PhoneNumber, MemberRole Role, ulong DeliveredSeq, ulong ReadSeq);
