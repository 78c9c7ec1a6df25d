using Parley.Storage.Sqlite;

namespace Parley.Storage.Tests;

public class AccountStoreTests
{
    [Fact]
    public async Task Accounts_and_devices_round_trip_and_survive_a_reopen()
    {
        await using var temp = new TempDatabase();
        var id = Guid.NewGuid();
        var store = new SqliteAccountStore(temp.Database);
        await store.SaveAccountAsync(new AccountRecord(id, "+15551234567", 1000, HideLastSeen: false, LastSeenMs: 0, NextDeviceId: 3));
        await store.SaveDeviceAsync(new DeviceRecord(id, 1, "phone", [1, 2, 3], 1000, 0));
        await store.SaveDeviceAsync(new DeviceRecord(id, 2, "laptop", [4, 5, 6], 2000, 0));
        await store.DeleteDeviceAsync(id, 1);
        await store.TouchDeviceAsync(id, 2, 5000);

        store = new SqliteAccountStore(await temp.ReopenAsync());

        var account = await store.GetAccountAsync(id);
        Assert.Equal(new AccountRecord(id, "+15551234567", 1000, false, 5000, 3), account);
        Assert.Equal(id, await store.FindAccountIdAsync("+15551234567"));
        Assert.Null(await store.FindAccountIdAsync("+15550000000"));
        var device = Assert.Single(await store.GetDevicesAsync(id));
        Assert.Equal((2u, "laptop", 5000L), (device.DeviceId, device.Name, device.LastSeenMs));
        Assert.Equal([4, 5, 6], device.TokenHash);
    }

    [Fact]
    public async Task A_phone_number_belongs_to_one_account_only()
    {
        await using var temp = new TempDatabase();
        var store = new SqliteAccountStore(temp.Database);
        await store.SaveAccountAsync(new AccountRecord(Guid.NewGuid(), "+15551234567", 1000, false, 0, 1));

        await Assert.ThrowsAnyAsync<Exception>(() => store.SaveAccountAsync(new AccountRecord(Guid.NewGuid(), "+15551234567", 1000, false, 0, 1)));
    }
}
