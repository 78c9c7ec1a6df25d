using System.CommandLine;
using Parley.Cli.Chat;

namespace Parley.Cli.Commands;

/// <summary><c>parley chat [TO]</c>: the interactive terminal chat.</summary>
internal static class ChatCommand
{
    public static Command Create(GlobalOptions global)
    {
        var to = new Argument<string?>("TO") { Description = "Open the chat with this phone number or conversation (a first message starts a new one)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("chat", "Chat interactively: conversations, live messages, typing, ticks, presence") { to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
            {
                throw new CliException("chat needs a terminal; for scripts use send, sync and history");
            }
            await using var session = await Session.StartAsync(context, cancellationToken, followPresence: true);
            return await new ChatApp(session, parse.GetValue(to)).RunAsync(cancellationToken);
        });
        return command;
    }
}
