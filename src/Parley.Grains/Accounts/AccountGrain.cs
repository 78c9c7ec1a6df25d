using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Grains.Linking;
using Parley.Storage;

namespace Parley.Grains.Accounts;

public sealed class AccountGrain(
    IAccountStore store,
    IOptions<AccountOptions> options,
    TimeProvider clock,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    private readonly ConnectionRegistry<IDeviceConnection> _connections = new();
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
        return Task.FromResult(_connections.TryAdd(deviceId, connectionId, connection, options.Value.MaxConnectionsPerDevice)
            ? ConnectOutcome.Connected
            : ConnectOutcome.TooManyConnections);
    }

    public async Task Disconnect(uint deviceId, Guid connectionId)
    {
        if (_connections.Remove(deviceId, connectionId) && _account?.HasDevice(deviceId) == true)
        {
            var now = NowMs;
            _account.Seen(deviceId, now);
            await store.TouchDeviceAsync(Id, deviceId, now);
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
        foreach (var connection in _connections.RemoveDevice(deviceId))
        {
            connection.Close(reason);
        }
    }
}
