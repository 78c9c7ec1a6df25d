using Parley.Grains.Accounts;
using Parley.Grains.Linking;
using Parley.Protocol;

namespace Parley.Server.Gateway;

public sealed partial class RequestDispatcher
{
    private async Task<Response> ListDevicesAsync(SessionIdentity caller)
    {
        var devices = await Account(caller).ListDevices();
        var list = new DeviceList();
        list.Devices.AddRange(devices.Select(d => new Device
        {
            DeviceId = d.DeviceId,
            Name = d.Name,
            CreatedMs = (ulong)d.CreatedMs,
            LastSeenMs = (ulong)d.LastSeenMs,
            Online = d.Online,
            Current = d.DeviceId == caller.DeviceId,
        }));
        return new Response { Devices = list };
    }

    private async Task<Response> RenameDeviceAsync(SessionIdentity caller, RenameDevice rename)
    {
        var name = DeviceName.Normalize(rename.Name)
            ?? throw Invalid($"a device name is 1 to {DeviceName.MaxLength} printable characters");
        return await Account(caller).RenameDevice(rename.DeviceId, name)
            ? Ok()
            : throw NotFound($"this account has no device {rename.DeviceId}");
    }

    private async Task<Response> RevokeDeviceAsync(SessionIdentity caller, RevokeDevice revoke) =>
        await Account(caller).RevokeDevice(revoke.DeviceId)
            ? Ok()
            : throw NotFound($"this account has no device {revoke.DeviceId}");

    private async Task<Response> CreateLinkCodeAsync(SessionIdentity caller)
    {
        var issued = await Account(caller).CreateLinkCode();
        return new Response
        {
            LinkCode = new LinkCode { Code = LinkCodes.Display(issued.Code), ExpiresInSeconds = (uint)issued.ExpiresIn.TotalSeconds },
        };
    }
}
