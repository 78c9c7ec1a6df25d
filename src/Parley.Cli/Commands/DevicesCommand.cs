using System.CommandLine;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary><c>parley devices</c> lists the account's devices; <c>devices rename ID NAME</c>, <c>devices revoke ID</c> manage them.</summary>
internal static class DevicesCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("devices", "List this account's devices (subcommands rename and revoke them)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = global.Read(parse);
            await using var session = await Session.StartAsync(context, cancellationToken);
            var devices = await session.Client.ListDevicesAsync(cancellationToken);
            if (context.Json)
            {
                Output.Json(devices.Select(d => new
                {
                    d.DeviceId,
                    d.Name,
                    Created = DateTimeOffset.FromUnixTimeMilliseconds((long)d.CreatedMs),
                    LastSeen = d.LastSeenMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)d.LastSeenMs) : (DateTimeOffset?)null,
                    d.Online,
                    d.Current,
                }));
                return 0;
            }
            var table = new Table().AddColumns("id", "name", "created", "last seen", "");
            foreach (var device in devices)
            {
                table.AddRow(
                    device.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(device.Name),
                    Output.Time(DateTimeOffset.FromUnixTimeMilliseconds((long)device.CreatedMs)),
                    device.Online ? "[green]online[/]" : device.LastSeenMs > 0 ? Output.Time(DateTimeOffset.FromUnixTimeMilliseconds((long)device.LastSeenMs)) : "never",
                    device.Current ? "this device" : "");
            }
            AnsiConsole.Write(table);
            return 0;
        });

        var renameId = new Argument<uint>("ID") { Description = "The device's id" };
        var newName = new Argument<string>("NAME") { Description = "Its new name" };
        var rename = new Command("rename", "Rename a device") { renameId, newName };
        rename.SetAction(async (parse, cancellationToken) =>
        {
            await using var session = await Session.StartAsync(global.Read(parse), cancellationToken);
            await session.Client.RenameDeviceAsync(parse.GetValue(renameId), parse.GetValue(newName)!, cancellationToken);
            return 0;
        });
        command.Add(rename);

        var revokeId = new Argument<uint>("ID") { Description = "The device's id (this device's own id logs it out)" };
        var revoke = new Command("revoke", "Revoke a device: its connections close and its token stops working") { revokeId };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            await using var session = await Session.StartAsync(global.Read(parse), cancellationToken);
            await session.Client.RevokeDeviceAsync(parse.GetValue(revokeId), cancellationToken);
            return 0;
        });
        command.Add(revoke);
        return command;
    }
}
