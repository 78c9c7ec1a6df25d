using System.Net.WebSockets;

namespace Parley.Protocol;

/// <summary>
/// The WebSocket close status that accompanies each connection-level error, so that a client can
/// tell from the close alone why the node ended the connection.
/// </summary>
public static class CloseCodes
{
    /// <summary>RFC 6455's registered 1013 "Try Again Later", which WebSocketCloseStatus lacks.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public static WebSocketCloseStatus For(ErrorCode code) => code switch
    {
        ErrorCode.MalformedFrame => WebSocketCloseStatus.InvalidPayloadData,        // 1007
        ErrorCode.FrameTooLarge => WebSocketCloseStatus.MessageTooBig,              // 1009
        ErrorCode.SlowConsumer => TryAgainLater,                                    // 1013
        ErrorCode.TooManyConnections => TryAgainLater,                              // 1013
        ErrorCode.ShuttingDown => WebSocketCloseStatus.EndpointUnavailable,         // 1001
        ErrorCode.HeartbeatTimeout => WebSocketCloseStatus.EndpointUnavailable,     // 1001
        ErrorCode.Internal => WebSocketCloseStatus.InternalServerError,             // 1011
        _ => WebSocketCloseStatus.PolicyViolation,                                  // 1008
    };
}
