using System.CommandLine;
using Parley.Client.Storage;
using Parley.Protocol;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley groups</c>: the groups the account belongs to, from the node.</summary>
internal static class GroupsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("groups", "List the groups you belong to");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var groups = (await session.Client.FetchConversationsAsync(cancellationToken)).Where(c => c.Kind == ConversationKind.Group).ToList();
            if (context.Json)
            {
                Output.Json(groups.Select(ToJson));
                return 0;
            }
            var table = new Table().AddColumns("id", "name", "members", "you");
            foreach (var group in groups)
            {
                table.AddRow(
                    Markup.Escape(group.Id),
                    Markup.Escape(group.Name),
                    Markup.Escape(string.Join(", ", group.Members.Select(m => m.PhoneNumber))),
                    group.Member(session.Client.AccountId)?.Role == MemberRole.Admin ? "admin" : "member");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static object ToJson(ConversationRecord group) => new
    {
        group.Id,
        group.Name,
        Members = group.Members.Select(m => new { m.AccountId, m.PhoneNumber, Role = m.Role == MemberRole.Admin ? "admin" : "member" }),
    };
}
