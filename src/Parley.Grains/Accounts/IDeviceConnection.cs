using Orleans.Concurrency;

namespace Parley.Grains.Accounts;

/// <summary>
/// One live connection of a device, as the actors see it: the gateway session implements this and
/// registers it with the account grain, which pushes to it.
/// </summary>
public interface IDeviceConnection : IGrainObserver
{
    /// <summary>The node ends this connection (the device was revoked, ...).</summary>
    [OneWay]
    Task Close(ConnectionCloseReason reason);
}

public enum ConnectionCloseReason
{
    DeviceRevoked,
}
