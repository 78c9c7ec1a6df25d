using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Parley.Grains.Linking;
using Parley.Storage;

namespace Parley.Grains.Accounts;

public sealed class AccountGrain(
    IAccountStore store,
    LocalConnections local,
    IOptions<AccountOptions> options,
    TimeProvider clock,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    /// <summary>Sessions refresh their registrations well within this; an account with none may be collected after it.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(15);

    private const int MaxPresenceWatchers = 10_000;

    private readonly ConnectionRegistry<IDeviceConnection> _connections = new();
    private Dictionary<Guid, IDeviceConnection>? _presenceWatchers; // made when someone first watches
    private Account? _account;

    private Guid Id => this.GetPrimaryKey();

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var record = await store.GetAccountAsync(Id);
        if (record is not null)
        {
            _account = Account.Load(record, await store.GetDevicesAsync(Id));
        }
    }

    public async Task<DeviceCredentials> RegisterPrimaryDevice(PhoneNumber phone, string deviceName)
    {
        if (_account is null)
        {
            _account = Account.Create(Id, phone, NowMs);
            AccountLog.Created(logger, Id);
        }
        else
        {
            foreach (var deviceId in _account.RevokeAll())
            {
                await store.DeleteDeviceAsync(Id, deviceId);
                CloseConnections(deviceId, ConnectionCloseReason.DeviceRevoked);
            }
            AccountLog.Reregistered(logger, Id);
        }
        return await AddDevice(deviceName) ?? throw new InvalidOperationException("An account without devices has room for one.");
    }

    public async Task<LinkResult> LinkDevice(string deviceName)
    {
        if (_account is null)
        {
            return new LinkResult(LinkOutcome.NotFound, null);
        }
        var credentials = await AddDevice(deviceName);
        return credentials is null
            ? new LinkResult(LinkOutcome.LimitExceeded, null)
            : new LinkResult(LinkOutcome.Linked, credentials);
    }

    public async Task<IssuedLinkCode> CreateLinkCode()
    {
        var lifetime = options.Value.LinkCodeLifetime;
        // 40 random bits: a clash with a live code is rare; try a few before giving up.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var code = LinkCodes.Generate();
            if (await GrainFactory.GetGrain<ILinkCodeGrain>(code).Offer(Id, clock.GetUtcNow() + lifetime))
            {
                return new IssuedLinkCode(code, lifetime);
            }
        }
        throw new InvalidOperationException("Could not find a free link code.");
    }

    public Task<ConnectOutcome> Connect(uint deviceId, byte[] tokenHash, Guid connectionId, IDeviceConnection connection)
    {
        if (_account is null)
        {
            DeactivateOnIdle();
            return Task.FromResult(ConnectOutcome.Unauthenticated);
        }
        if (!_account.Authenticate(deviceId, tokenHash))
        {
            return Task.FromResult(ConnectOutcome.Unauthenticated);
        }
        var wasOnline = _connections.AnyOnline;
        if (!_connections.TryAdd(deviceId, connectionId, connection, options.Value.MaxConnectionsPerDevice))
        {
            return Task.FromResult(ConnectOutcome.TooManyConnections);
        }
        DelayDeactivation(KeepAlive);
        if (!wasOnline)
        {
            PublishPresence();
        }
        return Task.FromResult(ConnectOutcome.Connected);
    }

    public async Task Disconnect(uint deviceId, Guid connectionId)
    {
        if (_connections.Remove(deviceId, connectionId) && _account?.HasDevice(deviceId) == true)
        {
            var now = NowMs;
            _account.Seen(deviceId, now);
            if (!_connections.AnyOnline)
            {
                PublishPresence();
            }
            await store.TouchDeviceAsync(Id, deviceId, now);
        }
    }

    public Task Deliver(LogEntry entry)
    {
        var sender = LocalConnections.SendingDevice(Id, entry);
        foreach (var (deviceId, id, connection) in _connections.All())
        {
            if (deviceId != sender)
            {
                local.Resolve(id, connection).Deliver(entry);
            }
        }
        return Task.CompletedTask;
    }

    public Task Push(Immutable<byte[]> frame)
    {
        foreach (var (_, id, connection) in _connections.All())
        {
            local.Resolve(id, connection).Push(frame);
        }
        return Task.CompletedTask;
    }

    public Task<PresenceState?> WatchPresence(Guid watcherConnectionId, IDeviceConnection watcher)
    {
        if (_account is null)
        {
            return Task.FromResult<PresenceState?>(null);
        }
        _presenceWatchers ??= [];
        if (_presenceWatchers.Count < MaxPresenceWatchers || _presenceWatchers.ContainsKey(watcherConnectionId))
        {
            _presenceWatchers[watcherConnectionId] = watcher;
            DelayDeactivation(KeepAlive);
        }
        return Task.FromResult<PresenceState?>(Presence());
    }

    public Task UnwatchPresence(Guid watcherConnectionId)
    {
        _presenceWatchers?.Remove(watcherConnectionId);
        return Task.CompletedTask;
    }

    public async Task SetPrivacy(bool hideLastSeen)
    {
        if (_account is null || _account.Record.HideLastSeen == hideLastSeen)
        {
            return;
        }
        _account.SetHideLastSeen(hideLastSeen);
        await store.SaveAccountAsync(_account.Record);
        PublishPresence();
    }

    private PresenceState Presence()
    {
        var online = _connections.AnyOnline;
        var hidden = _account!.Record.HideLastSeen;
        var lastSeen = hidden ? 0 : online ? NowMs : _account.Record.LastSeenMs;
        return new PresenceState(Id, online, lastSeen, hidden);
    }

    private void PublishPresence()
    {
        if (_presenceWatchers is not { Count: > 0 } || _account is null)
        {
            return;
        }
        var state = Presence();
        var frame = new Immutable<byte[]>(PushFrames.Presence(new Protocol.Presence
        {
            AccountId = state.AccountId.ToString(),
            Online = state.Online,
            LastSeenMs = (ulong)state.LastSeenMs,
            LastSeenHidden = state.LastSeenHidden,
        }));
        foreach (var (id, watcher) in _presenceWatchers)
        {
            local.Resolve(id, watcher).Push(frame);
        }
    }

    public Task<DeviceInfo[]> ListDevices() => Task.FromResult(
        _account?.Devices
            .Select(d => new DeviceInfo(d.DeviceId, d.Name, d.CreatedMs, d.LastSeenMs, _connections.IsOnline(d.DeviceId)))
            .ToArray() ?? []);

    public async Task<bool> RenameDevice(uint deviceId, string name)
    {
        var renamed = _account?.Rename(deviceId, name);
        if (renamed is null)
        {
            return false;
        }
        await store.SaveDeviceAsync(renamed);
        return true;
    }

    public async Task<bool> RevokeDevice(uint deviceId)
    {
        if (_account?.Revoke(deviceId) != true)
        {
            return false;
        }
        await store.DeleteDeviceAsync(Id, deviceId);
        CloseConnections(deviceId, ConnectionCloseReason.DeviceRevoked);
        AccountLog.DeviceRevoked(logger, Id, deviceId);
        return true;
    }

    private async Task<DeviceCredentials?> AddDevice(string deviceName)
    {
        var added = _account!.AddDevice(deviceName, NowMs, options.Value.MaxDevices);
        if (added is not { } device)
        {
            return null;
        }
        // The account first: it carries the next device id, so a crash in between never reuses one.
        await store.SaveAccountAsync(_account.Record);
        await store.SaveDeviceAsync(device.Device);
        AccountLog.DeviceAdded(logger, Id, device.Device.DeviceId);
        return new DeviceCredentials(Id, device.Device.DeviceId, device.Token);
    }

    private void CloseConnections(uint deviceId, ConnectionCloseReason reason)
    {
        var wasOnline = _connections.AnyOnline;
        foreach (var (id, connection) in _connections.RemoveDevice(deviceId))
        {
            local.Resolve(id, connection).Close(reason);
        }
        if (wasOnline && !_connections.AnyOnline)
        {
            PublishPresence();
        }
    }
}
