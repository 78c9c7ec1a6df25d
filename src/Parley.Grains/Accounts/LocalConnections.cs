using System.Collections.Concurrent;

namespace Parley.Grains.Accounts;

/// <summary>
/// The device connections held by this process, by connection id. An account actor that finds a
/// connection here calls it directly instead of through its Orleans observer reference, which would
/// cost a runtime message per entry and device; connections on other nodes go through the observer.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<Guid, IDeviceConnection> _connections = new();

    public void Add(Guid connectionId, IDeviceConnection connection) => _connections[connectionId] = connection;

    public void Remove(Guid connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>The connection to call: the local object when it lives here, else the observer reference.</summary>
    public IDeviceConnection Resolve(Guid connectionId, IDeviceConnection reference) =>
        _connections.TryGetValue(connectionId, out var local) ? local : reference;
}
