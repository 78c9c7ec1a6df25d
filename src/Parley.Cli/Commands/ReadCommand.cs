using System.CommandLine;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley read TO</c>: marks the conversation read up to its last entry (the others see read receipts).</summary>
internal static class ReadCommand
{
    public static Command Create(GlobalOptions global)
    {
        var to = new Argument<string>("TO") { Description = "A phone number (+…) or a conversation id (d_…, g_…)" };
        var command = new Command("read", "Mark a conversation read up to its last message") { to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.SyncedAsync(context, cancellationToken);
            var conversationId = await Targets.ConversationAsync(session.Client, parse.GetValue(to)!, cancellationToken);
            var seq = await session.Client.MarkAllReadAsync(conversationId, cancellationToken);
            if (context.Json)
            {
                Output.Json(new { ConversationId = conversationId, ReadUpTo = seq });
            }
            else
            {
                Output.Line($"Read up to seq {seq} in {Markup.Escape(conversationId)}");
            }
            return 0;
        });
        return command;
    }
}
