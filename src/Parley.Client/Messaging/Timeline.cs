using Parley.Client.Content;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client.Messaging;

/// <summary>
/// Folds a stretch of a conversation's log (and the device's own messages still in the outbox) into
/// the rows an app shows. Edits and deletions apply only when they come from the target's author;
/// reactions keep one emoji per member. References reach back only within the stretch given: an
/// edit always follows its target in the log, so any stretch that ends at the head shows every row
/// in it correctly.
/// </summary>
public static class Timeline
{
    public static IReadOnlyList<Message> Fold(
        IEnumerable<StoredEntry> entries,
        IEnumerable<OutboxItem> outbox,
        ConversationRecord? conversation,
        string self)
    {
        var rows = new List<Message>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries.OrderBy(e => e.Seq))
        {
            var own = entry.SenderAccountId == self;
            var status = own ? ReceiptBook.StatusOf(conversation, entry.Seq) : MessageStatus.Received;
            var receipts = ReceiptBook.ReceiptsOf(conversation, entry.Seq, entry.SenderAccountId);
            var row = new Message(
                entry.ConversationId, entry.Seq, entry.Time, entry.SenderAccountId, entry.SenderDeviceId, entry.ClientMessageId,
                MessageKind.Text, "", own, status, Receipts: receipts);
            if (entry.Kind == EntryKind.Membership)
            {
                Add(row with { Kind = MessageKind.Membership, Membership = MembershipChange.Parser.ParseFrom(entry.Body) });
            }
            else if (entry.Unreadable)
            {
                Add(row with { Kind = MessageKind.Unreadable });
            }
            else
            {
                Apply(row, MessageContents.TryParse(entry.Body));
            }
        }
        foreach (var item in outbox.Where(i => conversation is not null && i.ConversationId == conversation.Id).OrderBy(i => i.Id))
        {
            var row = new Message(
                item.ConversationId!, 0, DateTimeOffset.FromUnixTimeMilliseconds(item.CreatedMs), self, 0, item.ClientMessageId,
                MessageKind.Text, "", true, item.Failure is null ? MessageStatus.Pending : MessageStatus.Failed);
            Apply(row, MessageContents.TryParse(item.Content));
        }
        return rows;

        void Add(Message row)
        {
            byId[row.Id] = rows.Count;
            rows.Add(row);
        }

        void Apply(Message row, MessageContent? content)
        {
            switch (content?.BodyCase)
            {
                case MessageContent.BodyOneofCase.Text:
                    var replyTo = content.Text.ReplyTo?.ClientMessageId is { IsEmpty: false } reply ? reply.ToByteArray() : null;
                    Add(row with { Text = content.Text.Body, ReplyTo = replyTo });
                    break;
                case MessageContent.BodyOneofCase.Edit:
                    Change(content.Edit.Target, row.SenderAccountId, authorOnly: true, target => target.Deleted ? target : target with { Text = content.Edit.Body, Edited = true });
                    break;
                case MessageContent.BodyOneofCase.Delete:
                    Change(content.Delete.Target, row.SenderAccountId, authorOnly: true, target => target with { Text = "", Deleted = true, Edited = false });
                    break;
                case MessageContent.BodyOneofCase.Reaction:
                    Change(content.Reaction.Target, row.SenderAccountId, authorOnly: false, target =>
                    {
                        var reactions = new Dictionary<string, string>(target.Reactions ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                        if (content.Reaction.Emoji.Length == 0)
                        {
                            reactions.Remove(row.SenderAccountId);
                        }
                        else
                        {
                            reactions[row.SenderAccountId] = content.Reaction.Emoji;
                        }
                        return target with { Reactions = reactions };
                    });
                    break;
                default:
                    Add(row with { Kind = MessageKind.Unsupported });
                    break;
            }
        }

        void Change(MessageRef? target, string sender, bool authorOnly, Func<Message, Message> change)
        {
            if (target is null || !byId.TryGetValue(Convert.ToHexStringLower(target.ClientMessageId.Span), out var index))
            {
                return;
            }
            var row = rows[index];
            if (row.Kind != MessageKind.Text || authorOnly && row.SenderAccountId != sender)
            {
                return;
            }
            rows[index] = change(row);
        }
    }
}
