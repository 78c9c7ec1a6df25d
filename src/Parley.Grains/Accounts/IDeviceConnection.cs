using Orleans.Concurrency;
using Parley.Storage;

namespace Parley.Grains.Accounts;

/// <summary>
/// One live connection of a device, as the actors see it: the gateway session implements this and
/// registers it with the account grain, which pushes to it. Every call is one-way: an actor never
/// waits for a device.
/// </summary>
public interface IDeviceConnection : IGrainObserver
{
    /// <summary>A new log entry of one of the account's conversations (with the account's per-device payloads).</summary>
    [OneWay]
    Task Deliver(LogEntry entry);

    /// <summary>A ready-made server frame (receipt, typing, presence) to write as it is.</summary>
    [OneWay]
    Task Push(Immutable<byte[]> frame);

    /// <summary>The node ends this connection (the device was revoked, ...).</summary>
    [OneWay]
    Task Close(ConnectionCloseReason reason);
}

public enum ConnectionCloseReason
{
    DeviceRevoked,
}
