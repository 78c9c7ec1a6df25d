using System.CommandLine;
using Parley.Client.Storage;
using Parley.Protocol;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley sync</c>: fetches everything pending (entries and receipts), sends what waits in the outbox, then exits.</summary>
internal static class SyncCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("sync", "Fetch everything pending, send what waits in the outbox, then exit");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            var received = 0;
            await using var session = await Session.StartAsync(context, cancellationToken);
            session.Client.MessageReceived += (_, _) => Interlocked.Increment(ref received);
            await session.WaitAsync(session.Client.WaitUntilSyncedAsync(cancellationToken), "to catch up with the node");
            await session.WaitAsync(session.Client.FlushOutboxAsync(cancellationToken), "for the node to store the outbox");
            var conversations = new List<(ConversationRecord Conversation, int Unread)>();
            foreach (var conversation in await session.Client.GetConversationsAsync(cancellationToken))
            {
                conversations.Add((conversation, await session.Client.UnreadCountAsync(conversation.Id, cancellationToken)));
            }
            var outbox = await session.Client.GetOutboxAsync(cancellationToken);
            if (context.Json)
            {
                Output.Json(new
                {
                    Received = received,
                    Outbox = outbox.Count(i => i.Failure is null),
                    Failed = outbox.Count(i => i.Failure is not null),
                    Conversations = conversations.Select(c => new
                    {
                        c.Conversation.Id,
                        Name = Names.Of(c.Conversation, session.Client.AccountId),
                        Kind = c.Conversation.Kind == ConversationKind.Group ? "group" : "direct",
                        c.Unread,
                    }),
                });
            }
            else
            {
                var unread = conversations.Where(c => c.Unread > 0).Select(c => $"{Markup.Escape(Names.Of(c.Conversation, session.Client.AccountId))} ({c.Unread})");
                Output.Line($"Synced: {received} new entr{(received == 1 ? "y" : "ies")}; unread: {(conversations.Any(c => c.Unread > 0) ? string.Join(", ", unread) : "none")}");
                if (outbox.Any(i => i.Failure is not null))
                {
                    Output.Line($"[red]{outbox.Count(i => i.Failure is not null)} message(s) refused by the node stay in the outbox[/]");
                }
            }
            return 0;
        });
        return command;
    }
}
