using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

public sealed class SqliteAccountStore(SqliteDatabase database) : IAccountStore
{
    public Task<AccountRecord?> GetAccountAsync(Guid accountId) => Task.FromResult(database.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT phone_number, created_ms, hide_last_seen, last_seen_ms, next_device_id FROM accounts WHERE id = $id";
        command.Parameters.AddWithValue("$id", accountId.ToString());
        using var row = command.ExecuteReader();
        return row.Read()
            ? new AccountRecord(accountId, row.GetString(0), row.GetInt64(1), row.GetInt64(2) != 0, row.GetInt64(3), (uint)row.GetInt64(4))
            : null;
    }));

    public Task<Guid?> FindAccountIdAsync(string phoneNumber) => Task.FromResult(database.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT id FROM accounts WHERE phone_number = $phone";
        command.Parameters.AddWithValue("$phone", phoneNumber);
        return command.ExecuteScalar() is string id ? Guid.Parse(id) : (Guid?)null;
    }));

    public Task<IReadOnlyList<DeviceRecord>> GetDevicesAsync(Guid accountId) => Task.FromResult(database.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT device_id, name, token_hash, created_ms, last_seen_ms FROM devices WHERE account_id = $id ORDER BY device_id";
        command.Parameters.AddWithValue("$id", accountId.ToString());
        using var row = command.ExecuteReader();
        var devices = new List<DeviceRecord>();
        while (row.Read())
        {
            devices.Add(new DeviceRecord(accountId, (uint)row.GetInt64(0), row.GetString(1), (byte[])row[2], row.GetInt64(3), row.GetInt64(4)));
        }
        return (IReadOnlyList<DeviceRecord>)devices;
    }));

    public Task SaveAccountAsync(AccountRecord account) => database.Writes.ExecuteAsync(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = """
            INSERT INTO accounts (id, phone_number, created_ms, hide_last_seen, last_seen_ms, next_device_id)
            VALUES ($id, $phone, $created, $hide, $seen, $next)
            ON CONFLICT (id) DO UPDATE SET hide_last_seen = $hide, last_seen_ms = $seen, next_device_id = $next
            """;
        command.Parameters.AddWithValue("$id", account.Id.ToString());
        command.Parameters.AddWithValue("$phone", account.PhoneNumber);
        command.Parameters.AddWithValue("$created", account.CreatedMs);
        command.Parameters.AddWithValue("$hide", account.HideLastSeen ? 1 : 0);
        command.Parameters.AddWithValue("$seen", account.LastSeenMs);
        command.Parameters.AddWithValue("$next", (long)account.NextDeviceId);
        command.ExecuteNonQuery();
    });

    public Task SaveDeviceAsync(DeviceRecord device) => database.Writes.ExecuteAsync(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO devices (account_id, device_id, name, token_hash, created_ms, last_seen_ms)
            VALUES ($account, $device, $name, $hash, $created, $seen)
            """;
        command.Parameters.AddWithValue("$account", device.AccountId.ToString());
        command.Parameters.AddWithValue("$device", (long)device.DeviceId);
        command.Parameters.AddWithValue("$name", device.Name);
        command.Parameters.AddWithValue("$hash", device.TokenHash);
        command.Parameters.AddWithValue("$created", device.CreatedMs);
        command.Parameters.AddWithValue("$seen", device.LastSeenMs);
        command.ExecuteNonQuery();
    });

    public Task DeleteDeviceAsync(Guid accountId, uint deviceId) => database.Writes.ExecuteAsync(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "DELETE FROM devices WHERE account_id = $account AND device_id = $device";
        command.Parameters.AddWithValue("$account", accountId.ToString());
        command.Parameters.AddWithValue("$device", (long)deviceId);
        command.ExecuteNonQuery();
    });

    public Task TouchDeviceAsync(Guid accountId, uint deviceId, long lastSeenMs) => database.Writes.ExecuteAsync(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = """
            UPDATE devices SET last_seen_ms = max(last_seen_ms, $seen) WHERE account_id = $account AND device_id = $device;
            UPDATE accounts SET last_seen_ms = max(last_seen_ms, $seen) WHERE id = $account;
            """;
        command.Parameters.AddWithValue("$account", accountId.ToString());
        command.Parameters.AddWithValue("$device", (long)deviceId);
        command.Parameters.AddWithValue("$seen", lastSeenMs);
        command.ExecuteNonQuery();
    });

    public Task<IReadOnlyDictionary<Guid, string>> GetPhoneNumbersAsync(IReadOnlyCollection<Guid> accountIds) => Task.FromResult(database.Read(c =>
    {
        var phones = new Dictionary<Guid, string>(accountIds.Count);
        using var command = c.CreateCommand();
        command.CommandText = "SELECT phone_number FROM accounts WHERE id = $id";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        foreach (var accountId in accountIds)
        {
            id.Value = accountId.ToString();
            if (command.ExecuteScalar() is string phone)
            {
                phones[accountId] = phone;
            }
        }
        return (IReadOnlyDictionary<Guid, string>)phones;
    }));
}
