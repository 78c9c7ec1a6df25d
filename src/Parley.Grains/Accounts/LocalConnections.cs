using System.Collections.Concurrent;
using Orleans.Concurrency;
using Parley.Storage;

namespace Parley.Grains.Accounts;

/// <summary>
/// The authenticated device connections held by this process, by connection and by account. Entries
/// and pushes for connections that live here are handed to them directly: no runtime message per
/// entry and device. On a single node that is every connection, and conversations deliver through
/// here alone (<see cref="Delivery"/>); in a cluster, account actors use it for the local ones and
/// observers for the rest.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<Guid, IDeviceConnection> _byId = new();
    private readonly ConcurrentDictionary<Guid, Registration[]> _byAccount = new();

    /// <summary>Registers an authenticated connection (after its account actor accepted it).</summary>
    public void Add(Guid accountId, uint deviceId, Guid connectionId, IDeviceConnection connection)
    {
        _byId[connectionId] = connection;
        var registration = new Registration(deviceId, connectionId, connection);
        _byAccount.AddOrUpdate(accountId, _ => [registration], (_, existing) => [.. existing, registration]);
    }

    public void Remove(Guid accountId, Guid connectionId)
    {
        _byId.TryRemove(connectionId, out _);
        while (_byAccount.TryGetValue(accountId, out var existing))
        {
            var remaining = existing.Where(r => r.ConnectionId != connectionId).ToArray();
            var done = remaining.Length == 0
                ? _byAccount.TryRemove(new KeyValuePair<Guid, Registration[]>(accountId, existing))
                : _byAccount.TryUpdate(accountId, remaining, existing);
            if (done)
            {
                return;
            }
        }
    }

    /// <summary>The connection to call: the local object when it lives here, else the observer reference.</summary>
    public IDeviceConnection Resolve(Guid connectionId, IDeviceConnection reference) =>
        _byId.TryGetValue(connectionId, out var local) ? local : reference;

    /// <summary>
    /// Hands an entry to the account's connections here, except the device that sent a message (its
    /// send's answer is its copy).
    /// </summary>
    public void Deliver(Guid accountId, LogEntry entry)
    {
        if (!_byAccount.TryGetValue(accountId, out var registrations))
        {
            return;
        }
        var sender = SendingDevice(accountId, entry);
        foreach (var registration in registrations)
        {
            if (registration.DeviceId != sender)
            {
                registration.Connection.Deliver(entry);
            }
        }
    }

    public void Push(Guid accountId, Immutable<byte[]> frame)
    {
        if (_byAccount.TryGetValue(accountId, out var registrations))
        {
            foreach (var registration in registrations)
            {
                registration.Connection.Push(frame);
            }
        }
    }

    /// <summary>The device of <paramref name="accountId"/> that must not be sent this entry back (0: none).</summary>
    public static uint SendingDevice(Guid accountId, LogEntry entry) =>
        entry.Kind == EntryKind.Message && entry.SenderAccount == accountId ? entry.SenderDevice : 0;

    private sealed record Registration(uint DeviceId, Guid ConnectionId, IDeviceConnection Connection);
}
