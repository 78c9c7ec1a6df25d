using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Messaging;

/// <summary>
/// Receipts as watermarks, and the ticks they give the device's own messages.
/// </summary>
/// <remarks>
/// The node keeps, per member, the highest seq delivered to one of its devices and the highest seq it
/// has read. An own message with seq s is <b>delivered</b> once every <i>other</i> current member's
/// delivered watermark is at least s, and <b>read</b> once every other member's read watermark is —
/// in a group too, as WhatsApp shows it (one member who has not read it keeps it at ✓✓). A
/// conversation with no other member (a note to self) never goes beyond sent. The result never moves
/// back: a member added later, whose watermarks start low, holds back only messages sent after it
/// joined.
/// </remarks>
public static class ReceiptBook
{
    /// <summary>The status of an own message with <paramref name="seq"/> in <paramref name="conversation"/>.</summary>
    public static MessageStatus StatusOf(ConversationRecord? conversation, ulong seq) => conversation switch
    {
        null => MessageStatus.Sent,
        _ when seq <= conversation.ReadUpTo => MessageStatus.Read,
        _ when seq <= conversation.DeliveredUpTo => MessageStatus.Delivered,
        _ => MessageStatus.Sent,
    };

    /// <summary>A member's watermark moved (a receipt push): the member's watermarks rise, never fall; reading implies delivery.</summary>
    public static ConversationRecord Apply(ConversationRecord conversation, string accountId, ReceiptKind kind, ulong upToSeq, string self)
    {
        var members = conversation.Members
            .Select(m => m.AccountId != accountId ? m : kind switch
            {
                ReceiptKind.Read => m with { ReadSeq = Math.Max(m.ReadSeq, upToSeq), DeliveredSeq = Math.Max(m.DeliveredSeq, upToSeq) },
                ReceiptKind.Delivered => m with { DeliveredSeq = Math.Max(m.DeliveredSeq, upToSeq) },
                _ => m,
            })
            .ToList();
        return Advance(conversation with { Members = members }, self);
    }

    /// <summary>
    /// The node's description of a conversation merged into the device's: members as the node says,
    /// with each watermark the higher of the two (a receipt push may be newer than the answer).
    /// </summary>
    public static ConversationRecord Merge(ConversationRecord? local, Conversation remote, string self)
    {
        var members = remote.Members.Select(m =>
        {
            var known = local?.Member(m.AccountId);
            return new MemberRecord(
                m.AccountId,
                m.PhoneNumber,
                m.Role,
                Math.Max(m.DeliveredSeq, known?.DeliveredSeq ?? 0),
                Math.Max(m.ReadSeq, known?.ReadSeq ?? 0));
        }).ToList();
        var merged = new ConversationRecord(
            remote.Id,
            remote.Kind,
            remote.Name,
            members,
            Math.Max(remote.HeadSeq, local?.HeadSeq ?? 0),
            local?.DeliveredUpTo ?? 0,
            local?.ReadUpTo ?? 0);
        return Advance(merged, self);
    }

    /// <summary>Moves the conversation's delivered/read marks for own messages up to what every other member has reached.</summary>
    public static ConversationRecord Advance(ConversationRecord conversation, string self)
    {
        var others = conversation.Members.Where(m => m.AccountId != self).ToList();
        if (others.Count == 0)
        {
            return conversation;
        }
        return conversation with
        {
            DeliveredUpTo = Math.Max(conversation.DeliveredUpTo, others.Min(m => Math.Max(m.DeliveredSeq, m.ReadSeq))),
            ReadUpTo = Math.Max(conversation.ReadUpTo, others.Min(m => m.ReadSeq)),
        };
    }

    /// <summary>What changed for own messages between two versions of a conversation, as status updates.</summary>
    public static IEnumerable<(MessageStatus Status, ulong UpToSeq)> Changes(ConversationRecord? before, ConversationRecord after)
    {
        if (after.DeliveredUpTo > (before?.DeliveredUpTo ?? 0))
        {
            yield return (MessageStatus.Delivered, after.DeliveredUpTo);
        }
        if (after.ReadUpTo > (before?.ReadUpTo ?? 0))
        {
            yield return (MessageStatus.Read, after.ReadUpTo);
        }
    }

    /// <summary>Per other member: whether the entry <paramref name="seq"/> by <paramref name="sender"/> has reached it and been read.</summary>
    public static IReadOnlyList<MemberReceipt> ReceiptsOf(ConversationRecord? conversation, ulong seq, string sender) =>
        conversation is null || seq == 0
            ? []
            : conversation.Members
                .Where(m => m.AccountId != sender)
                .Select(m => new MemberReceipt(m.AccountId, m.PhoneNumber, m.DeliveredSeq >= seq || m.ReadSeq >= seq, m.ReadSeq >= seq))
                .ToList();
}

/// <summary>One member's receipt for one entry.</summary>
public sealed record MemberReceipt(string AccountId, string PhoneNumber, bool Delivered, bool Read);
