using Microsoft.Extensions.Logging;

namespace Parley.Grains.Accounts;

internal static partial class AccountLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Account {AccountId} created")]
    public static partial void Created(ILogger logger, Guid accountId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Account {AccountId} re-registered; its earlier devices are revoked")]
    public static partial void Reregistered(ILogger logger, Guid accountId);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Device {AccountId}.{DeviceId} added")]
    public static partial void DeviceAdded(ILogger logger, Guid accountId, uint deviceId);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Device {AccountId}.{DeviceId} revoked")]
    public static partial void DeviceRevoked(ILogger logger, Guid accountId, uint deviceId);
}
