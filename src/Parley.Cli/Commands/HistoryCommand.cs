using System.CommandLine;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary>
/// <c>parley history TO</c>: the conversation's entries in log order, with seq, sender, time, status
/// and each other member's receipt. Syncs first (unless --offline), so receipts are current.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(GlobalOptions global)
    {
        var to = new Argument<string>("TO") { Description = "A phone number (+…) or a conversation id (d_…, g_…)" };
        var limit = new Option<int>("--limit") { Description = "How many of the last entries", HelpName = "N", DefaultValueFactory = _ => 200 };
        var offline = new Option<bool>("--offline") { Description = "Read the local store only, without connecting" };
        var command = new Command("history", "Show a conversation's messages in order, with status and receipts") { to, limit, offline };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = parse.GetValue(offline)
                ? await Session.OpenOfflineAsync(context, cancellationToken)
                : await Session.SyncedAsync(context, cancellationToken);
            var client = session.Client;
            var conversationId = await Targets.ConversationAsync(client, parse.GetValue(to)!, cancellationToken);
            var conversation = await client.GetConversationAsync(conversationId, cancellationToken);
            var rows = await client.GetMessagesAsync(conversationId, Math.Max(1, parse.GetValue(limit)), cancellationToken);
            if (context.Json)
            {
                Output.Json(rows.Select(row => ToJson(row, conversation)));
                return 0;
            }
            var title = conversation is null ? conversationId : Names.Of(conversation, client.AccountId);
            var table = new Table().Title(Markup.Escape(title)).AddColumns("seq", "time", "from", "message", "status");
            foreach (var row in rows)
            {
                table.AddRow(
                    row.Seq == 0 ? "" : row.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Output.Time(row.Time),
                    row.IsOwn ? "you" : Markup.Escape(Names.Person(conversation, row.SenderAccountId)),
                    Markup.Escape(Describe(row, conversation)),
                    row.IsOwn ? Ticks.Markup(row.Status) : "");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static object ToJson(Message row, ConversationRecord? conversation) => new
    {
        row.Seq,
        row.Time,
        Sender = new { AccountId = row.SenderAccountId, PhoneNumber = Names.Person(conversation, row.SenderAccountId), DeviceId = row.SenderDeviceId },
        Own = row.IsOwn,
        Kind = row.Kind,
        Text = row.Kind == MessageKind.Text ? row.Text : Describe(row, conversation),
        Status = row.Status,
        Receipts = row.Receipts?.Select(r => new { r.AccountId, r.PhoneNumber, r.Delivered, r.Read }),
        Id = row.ClientMessageId.Length > 0 ? row.Id : null,
        ReplyTo = row.ReplyTo is { } reply ? Convert.ToHexStringLower(reply) : null,
        Edited = row.Edited ? true : (bool?)null,
        Deleted = row.Deleted ? true : (bool?)null,
        Reactions = row.Reactions is { Count: > 0 } reactions ? reactions.ToDictionary(r => Names.Person(conversation, r.Key), r => r.Value) : null,
    };

    /// <summary>A row as one line of text.</summary>
    public static string Describe(Message row, ConversationRecord? conversation) => row.Kind switch
    {
        MessageKind.Text when row.Deleted => "(deleted)",
        MessageKind.Text => row.Text + (row.Edited ? " (edited)" : ""),
        MessageKind.Membership => Membership(row.Membership!, conversation),
        MessageKind.Unreadable => "(not readable on this device)",
        _ => "(a kind of message this client does not know)",
    };

    private static string Membership(MembershipChange change, ConversationRecord? conversation)
    {
        var people = string.Join(", ", change.AccountIds.Select(a => Names.Person(conversation, a)));
        return change.Kind switch
        {
            MembershipChange.Types.Kind.Created => $"created the group \"{change.Name}\" with {people}",
            MembershipChange.Types.Kind.Added => $"added {people}",
            MembershipChange.Types.Kind.Removed => $"removed {people}",
            MembershipChange.Types.Kind.Left => $"{people} left",
            MembershipChange.Types.Kind.Promoted => $"made {people} admin",
            _ => "changed the group",
        };
    }
}
