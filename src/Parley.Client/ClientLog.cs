using Microsoft.Extensions.Logging;
using Parley.Client.Connections;

namespace Parley.Client;

/// <summary>The client's log events. None carries content or credentials.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Connecting to {Endpoint} (attempt {Attempt})")]
    public static partial void Connecting(ILogger logger, Uri endpoint, int attempt);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Connected as device {AccountId}.{DeviceId} (connection {ConnectionId})")]
    public static partial void Connected(ILogger logger, string accountId, uint deviceId, string connectionId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Disconnected: {Disconnect}; next attempt in {Delay}")]
    public static partial void Disconnected(ILogger logger, Disconnect disconnect, TimeSpan delay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Refused by the node: {Disconnect}; not reconnecting")]
    public static partial void Refused(ILogger logger, Disconnect disconnect);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "No pong within {Wait} twice in a row: dropping the connection")]
    public static partial void HeartbeatLost(ILogger logger, TimeSpan wait);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Caught up with the node")]
    public static partial void CaughtUp(ILogger logger);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "The node refused outbox message {OutboxId}: {Code} {Reason}")]
    public static partial void SendRefused(ILogger logger, long outboxId, Protocol.ErrorCode code, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "Outbox message {OutboxId} not stored this time ({Code}); again in {Delay}")]
    public static partial void SendDeferred(ILogger logger, long outboxId, Protocol.ErrorCode code, TimeSpan delay);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Refreshing conversation {ConversationId} failed: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string conversationId, string reason);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "Applying a change to the local state failed")]
    public static partial void WorkFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 122, Level = LogLevel.Debug, Message = "A change to the local state was cancelled: the client is stopping")]
    public static partial void WorkCancelled(ILogger logger);

    [LoggerMessage(EventId = 130, Level = LogLevel.Error, Message = "An event handler failed")]
    public static partial void HandlerFailed(ILogger logger, Exception error);
}
