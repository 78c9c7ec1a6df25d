using Orleans.Concurrency;
using Parley.Grains.Linking;
using Parley.Storage;

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

    /// <summary>
    /// Authenticates a device's token hash and registers its live connection. Sessions call it again
    /// every few minutes to keep the registration (and this activation) alive.
    /// </summary>
    Task<ConnectOutcome> Connect(uint deviceId, byte[] tokenHash, Guid connectionId, IDeviceConnection connection);

    Task Disconnect(uint deviceId, Guid connectionId);

    Task<DeviceInfo[]> ListDevices();

    /// <summary>False when there is no such device.</summary>
    Task<bool> RenameDevice(uint deviceId, string name);

    /// <summary>Removes the device and closes its live connections at once. False when there is no such device.</summary>
    Task<bool> RevokeDevice(uint deviceId);

    /// <summary>Hands a conversation entry to every live connection of the account's devices.</summary>
    [OneWay, AlwaysInterleave]
    Task Deliver(LogEntry entry);

    /// <summary>Writes a ready-made frame (receipt, typing) to every live connection of the account's devices.</summary>
    [OneWay, AlwaysInterleave]
    Task Push(Immutable<byte[]> frame);

    /// <summary>
    /// Subscribes a connection to this account's presence and returns the current one (null when
    /// there is no such account). The caller has checked that the two accounts share a conversation.
    /// </summary>
    Task<PresenceState?> WatchPresence(Guid watcherConnectionId, IDeviceConnection watcher);

    [OneWay]
    Task UnwatchPresence(Guid watcherConnectionId);

    /// <summary>Whether others see when this account was last online.</summary>
    Task SetPrivacy(bool hideLastSeen);
}

[GenerateSerializer, Immutable]
public sealed record PresenceState(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] bool Online,
    [property: Id(2)] long LastSeenMs,
    [property: Id(3)] bool LastSeenHidden);

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
