using Parley.Protocol;

namespace Parley.Client.Connections;

/// <summary>
/// Why a connection ended or could not be made: the node's error code when it gave one (an error
/// frame before its close, or a refused hello), the WebSocket close status, and a sentence.
/// </summary>
public sealed record Disconnect(ErrorCode? Code, int? CloseStatus, string Reason)
{
    /// <summary>
    /// Whether trying again can help. Not after the node refused the credentials, revoked the device or
    /// does not speak this protocol version: reconnecting would only be refused again.
    /// </summary>
    public bool ShouldReconnect => Code is not (ErrorCode.Unauthenticated or ErrorCode.DeviceRevoked or ErrorCode.UnsupportedVersion);

    /// <summary>The node could not be reached, or the connection broke without a close.</summary>
    public static Disconnect Lost(string reason) => new(null, null, reason);

    public override string ToString() => Code is { } code ? $"{Describe(code)}: {Reason}" : Reason;

    /// <summary>A short lower-case name for an error code ("device revoked").</summary>
    public static string Describe(ErrorCode code) => code switch
    {
        ErrorCode.Unauthenticated => "unauthenticated",
        ErrorCode.DeviceRevoked => "device revoked",
        ErrorCode.UnsupportedVersion => "unsupported protocol version",
        ErrorCode.TooManyConnections => "too many connections",
        ErrorCode.SlowConsumer => "too slow",
        ErrorCode.HeartbeatTimeout => "heartbeat timeout",
        ErrorCode.ShuttingDown => "node shutting down",
        _ => code.ToString(),
    };
}
