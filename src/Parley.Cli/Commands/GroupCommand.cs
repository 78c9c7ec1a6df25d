using System.CommandLine;
using Parley.Client.Storage;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley group create NAME PHONE...</c>, <c>group add|remove|promote GROUP PHONE...</c>, <c>group leave GROUP</c>.</summary>
internal static class GroupCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("group", "Create a group, change its members, or leave it");

        var name = new Argument<string>("NAME") { Description = "The group's name" };
        var members = new Argument<string[]>("PHONE") { Description = "Members besides you (phone numbers)", Arity = ArgumentArity.ZeroOrMore };
        var create = new Command("create", "Create a group and print its id") { name, members };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var accounts = await session.WaitAsync(Targets.AccountsAsync(session.Client, parse.GetValue(members)!, cancellationToken), "to look up the members");
            var group = await session.Client.CreateGroupAsync(parse.GetValue(name)!, accounts, cancellationToken);
            Print(context, group, created: true);
            return 0;
        });
        command.Add(create);

        command.Add(MembersCommand(global, "add", "Add members (admins only)", (client, group, accounts, ct) => client.AddMembersAsync(group, accounts, ct)));
        command.Add(MembersCommand(global, "remove", "Remove a member (admins only)", async (client, group, accounts, ct) =>
        {
            ConversationRecord? last = null;
            foreach (var account in accounts)
            {
                last = await client.RemoveMemberAsync(group, account, ct);
            }
            return last!;
        }));
        command.Add(MembersCommand(global, "promote", "Make members admins (admins only)", async (client, group, accounts, ct) =>
        {
            ConversationRecord? last = null;
            foreach (var account in accounts)
            {
                last = await client.PromoteMemberAsync(group, account, ct);
            }
            return last!;
        }));

        var leaving = new Argument<string>("GROUP") { Description = "The group's id (g_…)" };
        var leave = new Command("leave", "Leave a group") { leaving };
        leave.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var group = GroupId(parse.GetValue(leaving)!);
            await session.Client.LeaveGroupAsync(group, cancellationToken);
            if (context.Json)
            {
                Output.Json(new { Id = group, Left = true });
            }
            else
            {
                Output.Line($"Left {Markup.Escape(group)}");
            }
            return 0;
        });
        command.Add(leave);
        return command;
    }

    private static Command MembersCommand(
        GlobalOptions global, string verb, string description,
        Func<Client.ParleyClient, string, List<string>, CancellationToken, Task<ConversationRecord>> change)
    {
        var group = new Argument<string>("GROUP") { Description = "The group's id (g_…)" };
        var people = new Argument<string[]>("PHONE") { Description = "Phone numbers", Arity = ArgumentArity.OneOrMore };
        var command = new Command(verb, description) { group, people };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var accounts = await session.WaitAsync(Targets.AccountsAsync(session.Client, parse.GetValue(people)!, cancellationToken), "to look up the members");
            Print(context, await change(session.Client, GroupId(parse.GetValue(group)!), accounts, cancellationToken), created: false);
            return 0;
        });
        return command;
    }

    private static string GroupId(string text) =>
        text.StartsWith("g_", StringComparison.Ordinal) && Client.Recipient.IsConversationId(text) ? text : throw new CliException($"'{text}' is not a group id (g_…)");

    private static void Print(CliContext context, ConversationRecord group, bool created)
    {
        if (context.Json)
        {
            Output.Json(GroupsCommand.ToJson(group));
        }
        else if (created)
        {
            Output.Line($"Created [bold]{Markup.Escape(group.Name)}[/]: {Markup.Escape(group.Id)}");
        }
        else
        {
            Output.Line($"{Markup.Escape(group.Name)} ({Markup.Escape(group.Id)}): {string.Join(", ", group.Members.Select(m => Markup.Escape(m.PhoneNumber)))}");
        }
    }
}
