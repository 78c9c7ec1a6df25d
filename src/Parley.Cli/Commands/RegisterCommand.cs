using System.CommandLine;
using Parley.Client.Registration;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley register PHONE [--code CODE]</c>: registers the number and keeps the new device in the profile.</summary>
internal static class RegisterCommand
{
    public static Command Create(GlobalOptions global)
    {
        var phone = new Argument<string>("PHONE") { Description = "The phone number, E.164 (+15551230001)" };
        var code = new Option<string?>("--code") { Description = "The verification code (asked for when not given)", HelpName = "CODE" };
        var name = new Option<string?>("--name") { Description = "This device's name", HelpName = "NAME", DefaultValueFactory = _ => "parley cli" };
        var command = new Command("register", "Register a phone number; this profile becomes the account's device") { phone, code, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            if (context.Profile.Exists)
            {
                await using var existing = await context.Profile.OpenStoreAsync(create: false, cancellationToken);
                if (await existing.GetIdentityAsync(cancellationToken) is { } device)
                {
                    throw new CliException($"the profile {context.Profile.Directory} already holds the device {device.PhoneNumber} (device {device.DeviceId}); use another --profile");
                }
            }
            var server = context.ServerOr(null);
            using var http = new HttpClient { Timeout = context.Timeout };
            var registration = new RegistrationClient(http, server);
            var number = parse.GetValue(phone)!;
            var given = parse.GetValue(code);
            if (given is null)
            {
                var lifetime = await registration.RequestCodeAsync(number, cancellationToken);
                Output.Note($"A verification code was sent to {number} (valid {lifetime.TotalMinutes:0} min).");
                Console.Error.Write("Code: ");
                given = (await Console.In.ReadLineAsync(cancellationToken))?.Trim();
                if (string.IsNullOrEmpty(given))
                {
                    throw new CliException("no code given");
                }
            }
            var identity = await registration.VerifyAsync(number, given, parse.GetValue(name), cancellationToken);
            await using (var store = await context.Profile.OpenStoreAsync(create: true, cancellationToken))
            {
                await store.SetIdentityAsync(identity, cancellationToken);
            }
            if (context.Json)
            {
                Output.Json(new { identity.AccountId, identity.DeviceId, identity.PhoneNumber, Server = identity.Server.ToString(), Profile = context.Profile.Directory });
            }
            else
            {
                Output.Line($"Registered [bold]{Markup.Escape(identity.PhoneNumber)}[/] (account {identity.AccountId}, device {identity.DeviceId}) in {Markup.Escape(context.Profile.Directory)}");
            }
            return 0;
        });
        return command;
    }
}
