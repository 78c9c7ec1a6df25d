using Parley.Grains.Linking;

namespace Parley.Grains.Accounts;

/// <summary>One account (key: its id): its devices, their credentials and their live connections.</summary>
public interface IAccountGrain : IGrainWithGuidKey
{
    /// <summary>
    /// After a verified code: creates the account with its first device, or re-registers it — every
    /// existing device is revoked and a new one issued, as when a phone is replaced.
    /// </summary>
    Task<DeviceCredentials> RegisterPrimaryDevice(PhoneNumber phone, string deviceName);

    /// <summary>Adds a device (a redeemed link code). Fails when the account has its maximum.</summary>
    Task<LinkResult> LinkDevice(string deviceName);

    /// <summary>A one-use code that links a new device to this account.</summary>
    Task<IssuedLinkCode> CreateLinkCode();

    /// <summary>Authenticates a device's token hash and registers its live connection.</summary>
    Task<ConnectOutcome> Connect(uint deviceId, byte[] tokenHash, Guid connectionId, IDeviceConnection connection);

    Task Disconnect(uint deviceId, Guid connectionId);

    Task<DeviceInfo[]> ListDevices();

    /// <summary>False when there is no such device.</summary>
    Task<bool> RenameDevice(uint deviceId, string name);

    /// <summary>Removes the device and closes its live connections at once. False when there is no such device.</summary>
    Task<bool> RevokeDevice(uint deviceId);
}

public enum ConnectOutcome
{
    Connected,
    Unauthenticated,
    TooManyConnections,
}

[GenerateSerializer, Immutable]
public sealed record IssuedLinkCode(
    [property: Id(0)] string Code,
    [property: Id(1)] TimeSpan ExpiresIn);
