namespace Parley.Protocol;

/// <summary>Constants every Parley client and node agree on.</summary>
public static class WireProtocol
{
    /// <summary>The protocol version this build speaks (<see cref="Hello.ProtocolVersion"/>).</summary>
    public const uint Version = 1;

    /// <summary>The WebSocket endpoint's path.</summary>
    public const string WebSocketPath = "/v1/ws";

    /// <summary>Length of a device token in bytes (256 bits).</summary>
    public const int TokenLength = 32;

    /// <summary>Length of a client message id in bytes.</summary>
    public const int ClientMessageIdLength = 16;
}
