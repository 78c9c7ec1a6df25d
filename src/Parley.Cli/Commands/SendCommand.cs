using System.CommandLine;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary>
/// <c>parley send TO TEXT</c>: exits 0 only once the node has acknowledged the message as durably
/// stored. When it cannot within the timeout, the message stays in the profile's outbox and goes out
/// with the next command that connects.
/// </summary>
internal static class SendCommand
{
    public static Command Create(GlobalOptions global)
    {
        var to = new Argument<string>("TO") { Description = "A phone number (+…) or a conversation id (d_…, g_…)" };
        var text = new Argument<string[]>("TEXT") { Description = "The message (several words are joined with spaces)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("send", "Send a text message; exits once the node has stored it") { to, text };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var recipient = await session.WaitAsync(Targets.ResolveAsync(session.Client, parse.GetValue(to)!, cancellationToken), "to look up the recipient");
            var pending = await session.Client.SendTextAsync(recipient, string.Join(' ', parse.GetValue(text)!), cancellationToken: cancellationToken);
            Client.Messaging.SentMessage sent;
            try
            {
                sent = await pending.Sent.WaitAsync(context.Timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new CliException($"{session.Unreachable("for the node to store the message").Message}; the message stays in the outbox and goes out with the next parley command that connects");
            }
            if (context.Json)
            {
                Output.Json(new
                {
                    sent.ConversationId,
                    sent.Seq,
                    sent.Timestamp,
                    Time = DateTimeOffset.FromUnixTimeMilliseconds((long)(sent.Timestamp >> 16)),
                    ClientMessageId = Convert.ToHexStringLower(sent.ClientMessageId),
                    sent.Duplicate,
                });
            }
            else
            {
                Output.Line($"Sent ✓ [grey](conversation {Markup.Escape(sent.ConversationId)}, seq {sent.Seq})[/]");
            }
            return 0;
        });
        return command;
    }
}
