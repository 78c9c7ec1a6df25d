namespace Parley.Storage;

/// <summary>An account as stored: one per phone number.</summary>
public sealed record AccountRecord(
    Guid Id,
    string PhoneNumber,
    long CreatedMs,
    bool HideLastSeen,
    long LastSeenMs,
    uint NextDeviceId);

/// <summary>One device of an account as stored. The token itself is never stored, only its hash.</summary>
public sealed record DeviceRecord(
    Guid AccountId,
    uint DeviceId,
    string Name,
    byte[] TokenHash,
    long CreatedMs,
    long LastSeenMs);

/// <summary>Accounts and their devices.</summary>
public interface IAccountStore
{
    Task<AccountRecord?> GetAccountAsync(Guid accountId);

    Task<Guid?> FindAccountIdAsync(string phoneNumber);

    Task<IReadOnlyList<DeviceRecord>> GetDevicesAsync(Guid accountId);

    /// <summary>Creates the account, or updates it when it exists (same id).</summary>
    Task SaveAccountAsync(AccountRecord account);

    /// <summary>Creates or replaces the device.</summary>
    Task SaveDeviceAsync(DeviceRecord device);

    Task DeleteDeviceAsync(Guid accountId, uint deviceId);

    /// <summary>Records when a device was last connected (and so the account's last-seen).</summary>
    Task TouchDeviceAsync(Guid accountId, uint deviceId, long lastSeenMs);

    /// <summary>Phone numbers of the given accounts; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<Guid, string>> GetPhoneNumbersAsync(IReadOnlyCollection<Guid> accountIds);
}
