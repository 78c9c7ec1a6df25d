using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

public sealed class SqliteAccountStore(SqliteDatabase database) : IAccountStore
{
    public Task<AccountRecord?> GetAccountAsync(Guid accountId) => Task.FromResult(database.Read(c =>
    {
        using var row = c.Statement("SELECT phone_number, created_ms, hide_last_seen, last_seen_ms, next_device_id FROM accounts WHERE id = $id",
            ("$id", accountId.ToByteArray())).ExecuteReader();
        return row.Read()
            ? new AccountRecord(accountId, row.GetString(0), row.GetInt64(1), row.GetInt64(2) != 0, row.GetInt64(3), (uint)row.GetInt64(4))
            : null;
    }));

    public Task<Guid?> FindAccountIdAsync(string phoneNumber) => Task.FromResult(database.Read(c =>
        c.Statement("SELECT id FROM accounts WHERE phone_number = $phone", ("$phone", phoneNumber)).ExecuteScalar() is byte[] id ? new Guid(id) : (Guid?)null));

    public Task<IReadOnlyList<DeviceRecord>> GetDevicesAsync(Guid accountId) => Task.FromResult(database.Read(c =>
    {
        using var row = c.Statement("SELECT device_id, name, token_hash, created_ms, last_seen_ms FROM devices WHERE account_id = $id ORDER BY device_id",
            ("$id", accountId.ToByteArray())).ExecuteReader();
        var devices = new List<DeviceRecord>();
        while (row.Read())
        {
            devices.Add(new DeviceRecord(accountId, (uint)row.GetInt64(0), row.GetString(1), (byte[])row[2], row.GetInt64(3), row.GetInt64(4)));
        }
        return (IReadOnlyList<DeviceRecord>)devices;
    }));

    public Task SaveAccountAsync(AccountRecord account) => database.Writes.ExecuteAsync(c =>
        c.Statement("""
            INSERT INTO accounts (id, phone_number, created_ms, hide_last_seen, last_seen_ms, next_device_id)
            VALUES ($id, $phone, $created, $hide, $seen, $next)
            ON CONFLICT (id) DO UPDATE SET hide_last_seen = $hide, last_seen_ms = $seen, next_device_id = $next
            """,
            ("$id", account.Id.ToByteArray()), ("$phone", account.PhoneNumber), ("$created", account.CreatedMs),
            ("$hide", account.HideLastSeen ? 1L : 0L), ("$seen", account.LastSeenMs), ("$next", (long)account.NextDeviceId))
            .ExecuteNonQuery());

    public Task SaveDeviceAsync(DeviceRecord device) => database.Writes.ExecuteAsync(c =>
        c.Statement("""
            INSERT OR REPLACE INTO devices (account_id, device_id, name, token_hash, created_ms, last_seen_ms)
            VALUES ($account, $device, $name, $hash, $created, $seen)
            """,
            ("$account", device.AccountId.ToByteArray()), ("$device", (long)device.DeviceId), ("$name", device.Name),
            ("$hash", device.TokenHash), ("$created", device.CreatedMs), ("$seen", device.LastSeenMs))
            .ExecuteNonQuery());

    public Task DeleteDeviceAsync(Guid accountId, uint deviceId) => database.Writes.ExecuteAsync(c =>
        c.Statement("DELETE FROM devices WHERE account_id = $account AND device_id = $device",
            ("$account", accountId.ToByteArray()), ("$device", (long)deviceId)).ExecuteNonQuery());

    public Task TouchDeviceAsync(Guid accountId, uint deviceId, long lastSeenMs) => database.Writes.ExecuteAsync(c =>
    {
        c.Statement("UPDATE devices SET last_seen_ms = max(last_seen_ms, $seen) WHERE account_id = $account AND device_id = $device",
            ("$account", accountId.ToByteArray()), ("$device", (long)deviceId), ("$seen", lastSeenMs)).ExecuteNonQuery();
        c.Statement("UPDATE accounts SET last_seen_ms = max(last_seen_ms, $seen) WHERE id = $account",
            ("$account", accountId.ToByteArray()), ("$seen", lastSeenMs)).ExecuteNonQuery();
    });

    public Task<IReadOnlyDictionary<Guid, string>> GetPhoneNumbersAsync(IReadOnlyCollection<Guid> accountIds) => Task.FromResult(database.Read(c =>
    {
        var phones = new Dictionary<Guid, string>(accountIds.Count);
        foreach (var accountId in accountIds)
        {
            if (c.Statement("SELECT phone_number FROM accounts WHERE id = $id", ("$id", accountId.ToByteArray())).ExecuteScalar() is string phone)
            {
                phones[accountId] = phone;
            }
        }
        return (IReadOnlyDictionary<Guid, string>)phones;
    }));
}
