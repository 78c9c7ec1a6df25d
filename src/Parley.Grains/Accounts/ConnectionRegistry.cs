namespace Parley.Grains.Accounts;

/// <summary>The live connections of one account's devices, with a per-device limit.</summary>
public sealed class ConnectionRegistry<TConnection>
{
    private readonly Dictionary<uint, List<(Guid Id, TConnection Connection)>> _byDevice = [];

    public int Count { get; private set; }

    public bool IsOnline(uint deviceId) => _byDevice.ContainsKey(deviceId);

    public bool AnyOnline => Count > 0;

    /// <summary>Adds the connection unless the device already has <paramref name="maxPerDevice"/>.</summary>
    public bool TryAdd(uint deviceId, Guid connectionId, TConnection connection, int maxPerDevice)
    {
        if (!_byDevice.TryGetValue(deviceId, out var list))
        {
            _byDevice[deviceId] = list = new List<(Guid Id, TConnection Connection)>(1); // one connection per device is the norm
        }
        if (list.Exists(c => c.Id == connectionId))
        {
            return true;
        }
        if (list.Count >= maxPerDevice)
        {
            return false;
        }
        list.Add((connectionId, connection));
        Count++;
        return true;
    }

    /// <summary>Removes one connection; true when it was there.</summary>
    public bool Remove(uint deviceId, Guid connectionId)
    {
        if (!_byDevice.TryGetValue(deviceId, out var list) || list.RemoveAll(c => c.Id == connectionId) == 0)
        {
            return false;
        }
        Count--;
        if (list.Count == 0)
        {
            _byDevice.Remove(deviceId);
        }
        return true;
    }

    /// <summary>Removes and returns every connection of a device.</summary>
    public IReadOnlyList<(Guid Id, TConnection Connection)> RemoveDevice(uint deviceId)
    {
        if (!_byDevice.Remove(deviceId, out var list))
        {
            return [];
        }
        Count -= list.Count;
        return list;
    }

    public IEnumerable<TConnection> Of(uint deviceId) =>
        _byDevice.TryGetValue(deviceId, out var list) ? list.Select(c => c.Connection) : [];

    public IEnumerable<(uint DeviceId, Guid ConnectionId, TConnection Connection)> All()
    {
        foreach (var (deviceId, list) in _byDevice)
        {
            foreach (var (id, connection) in list)
            {
                yield return (deviceId, id, connection);
            }
        }
    }
}
