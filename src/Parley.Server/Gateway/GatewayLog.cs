using System.Net.WebSockets;
using Parley.Protocol;

namespace Parley.Server.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened from {Remote}")]
    public static partial void Opened(ILogger logger, Guid connectionId, string remote);

    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "Connection {ConnectionId} authenticated as device {AccountId}.{DeviceId} ({ClientName})")]
    public static partial void Authenticated(ILogger logger, Guid connectionId, Guid accountId, uint deviceId, string clientName);

    [LoggerMessage(EventId = 402, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed ({Status} {Reason})")]
    public static partial void Closed(ILogger logger, Guid connectionId, WebSocketCloseStatus status, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Connection {ConnectionId} ended by the node: {Code}: {Reason}")]
    public static partial void Failed(ILogger logger, Guid connectionId, ErrorCode code, string reason);

    [LoggerMessage(EventId = 404, Level = LogLevel.Error, Message = "Request {Kind} from device {AccountId}.{DeviceId} failed")]
    public static partial void RequestFailed(ILogger logger, Request.BodyOneofCase kind, Guid accountId, uint deviceId, Exception error);

    [LoggerMessage(EventId = 405, Level = LogLevel.Error, Message = "Connection {ConnectionId}: the writer failed")]
    public static partial void PumpFailed(ILogger logger, Guid connectionId, Exception error);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: renewing its registration failed")]
    public static partial void RefreshFailed(ILogger logger, Guid connectionId, Exception error);
}
