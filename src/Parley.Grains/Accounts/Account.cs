using Parley.Storage;

namespace Parley.Grains.Accounts;

/// <summary>
/// An account and its devices: who may connect, and the rules for adding, renaming and revoking
/// devices. Plain state; the account grain persists what changes.
/// </summary>
public sealed class Account
{
    // A handful of devices at most: a dictionary is lighter than a sorted tree, and Devices sorts on demand.
    private readonly Dictionary<uint, DeviceRecord> _devices = new(1);

    private Account(AccountRecord record, IEnumerable<DeviceRecord> devices)
    {
        Record = record;
        foreach (var device in devices)
        {
            _devices[device.DeviceId] = device;
        }
    }

    public AccountRecord Record { get; private set; }

    public Guid Id => Record.Id;

    public IReadOnlyCollection<DeviceRecord> Devices => [.. _devices.Values.OrderBy(d => d.DeviceId)];

    public static Account Load(AccountRecord record, IEnumerable<DeviceRecord> devices) => new(record, devices);

    public static Account Create(Guid id, PhoneNumber phone, long nowMs) =>
        new(new AccountRecord(id, phone.Value, nowMs, HideLastSeen: false, LastSeenMs: 0, NextDeviceId: 1), []);

    public DeviceRecord? Device(uint deviceId) => _devices.GetValueOrDefault(deviceId);

    public bool HasDevice(uint deviceId) => _devices.ContainsKey(deviceId);

    /// <summary>
    /// Adds a device with a fresh token, or returns null when the account already has
    /// <paramref name="maxDevices"/>. Device ids are never reused, so a revoked id stays dead.
    /// </summary>
    public (DeviceRecord Device, byte[] Token)? AddDevice(string name, long nowMs, int maxDevices)
    {
        if (_devices.Count >= maxDevices)
        {
            return null;
        }
        var token = DeviceToken.Generate();
        var device = new DeviceRecord(Id, Record.NextDeviceId, name, DeviceToken.Hash(token), nowMs, LastSeenMs: 0);
        _devices[device.DeviceId] = device;
        Record = Record with { NextDeviceId = Record.NextDeviceId + 1 };
        return (device, token);
    }

    /// <summary>True when the device exists and the presented token hash is its own.</summary>
    public bool Authenticate(uint deviceId, ReadOnlySpan<byte> presentedTokenHash) =>
        _devices.TryGetValue(deviceId, out var device) && DeviceToken.HashMatches(presentedTokenHash, device.TokenHash);

    public DeviceRecord? Rename(uint deviceId, string name)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            return null;
        }
        return _devices[deviceId] = device with { Name = name };
    }

    public bool Revoke(uint deviceId) => _devices.Remove(deviceId);

    /// <summary>Removes every device (re-registration); returns their ids.</summary>
    public IReadOnlyList<uint> RevokeAll()
    {
        var ids = _devices.Keys.Order().ToList();
        _devices.Clear();
        return ids;
    }

    public void SetHideLastSeen(bool hide) => Record = Record with { HideLastSeen = hide };

    public void Seen(uint deviceId, long nowMs)
    {
        if (_devices.TryGetValue(deviceId, out var device))
        {
            _devices[deviceId] = device with { LastSeenMs = Math.Max(device.LastSeenMs, nowMs) };
        }
        Record = Record with { LastSeenMs = Math.Max(Record.LastSeenMs, nowMs) };
    }
}
