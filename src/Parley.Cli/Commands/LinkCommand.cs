using System.CommandLine;
using Parley.Client.Registration;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary>
/// <c>parley link</c> prints a one-use code from this profile's device; <c>parley link CODE</c> makes a
/// new (empty) profile a further device of that account.
/// </summary>
internal static class LinkCommand
{
    public static Command Create(GlobalOptions global)
    {
        var code = new Argument<string?>("CODE") { Description = "A link code from another device of the account (omit to create one)", Arity = ArgumentArity.ZeroOrOne };
        var name = new Option<string?>("--name") { Description = "The new device's name", HelpName = "NAME", DefaultValueFactory = _ => "parley cli" };
        var command = new Command("link", "Create a link code on this device, or link this profile as a new device with a code") { code, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            if (parse.GetValue(code) is { Length: > 0 } given)
            {
                return await RedeemAsync(context, given, parse.GetValue(name), cancellationToken);
            }
            await using var session = await Session.StartAsync(context, cancellationToken);
            var link = await session.Client.CreateLinkCodeAsync(cancellationToken);
            if (context.Json)
            {
                Output.Json(new { link.Code, link.ExpiresInSeconds });
            }
            else
            {
                Output.Line($"Link code [bold]{Markup.Escape(link.Code)}[/] (valid {link.ExpiresInSeconds / 60} min). On the new device: parley link {Markup.Escape(link.Code)} --profile DIR");
            }
            return 0;
        });
        return command;
    }

    private static async Task<int> RedeemAsync(CliContext context, string code, string? name, CancellationToken cancellationToken)
    {
        if (context.Profile.Exists)
        {
            throw new CliException($"the profile {context.Profile.Directory} already exists; link into a new --profile");
        }
        using var http = new HttpClient { Timeout = context.Timeout };
        var identity = await new RegistrationClient(http, context.ServerOr(null)).LinkAsync(code, name, cancellationToken);
        await using (var store = await context.Profile.OpenStoreAsync(create: true, cancellationToken))
        {
            await store.SetIdentityAsync(identity, cancellationToken);
        }
        // A first sync brings the account's conversations, and with them its phone number.
        await using (var session = await Session.SyncedAsync(context, cancellationToken))
        {
            identity = session.Client.Identity;
        }
        if (context.Json)
        {
            Output.Json(new { identity.AccountId, identity.DeviceId, identity.PhoneNumber, Server = identity.Server.ToString(), Profile = context.Profile.Directory });
        }
        else
        {
            Output.Line($"Linked as device {identity.DeviceId} of account {identity.AccountId} in {Markup.Escape(context.Profile.Directory)}");
        }
        return 0;
    }
}
