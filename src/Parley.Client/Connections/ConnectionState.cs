namespace Parley.Client.Connections;

/// <summary>Where the device's connection stands.</summary>
public enum ConnectionState
{
    /// <summary>Not started, or stopped by the app.</summary>
    Offline,

    /// <summary>Opening a connection and saying hello.</summary>
    Connecting,

    /// <summary>Connected; the node is replaying what the device missed.</summary>
    Syncing,

    /// <summary>Connected and caught up: new entries arrive as they are stored.</summary>
    Online,

    /// <summary>The connection ended; waiting before the next attempt.</summary>
    WaitingToReconnect,

    /// <summary>The node refused the device for good (revoked, unknown credentials, unsupported version); no more attempts.</summary>
    Refused,
}

/// <summary>A change of <see cref="ConnectionState"/>, with why and what happens next.</summary>
/// <param name="Attempt">Attempts since the device was last caught up (0 for the first).</param>
/// <param name="RetryIn">The wait before the next attempt (<see cref="ConnectionState.WaitingToReconnect"/>).</param>
/// <param name="LastDisconnect">Why the last connection ended or failed, if one did.</param>
public sealed record ConnectionStatus(ConnectionState State, int Attempt = 0, TimeSpan? RetryIn = null, Disconnect? LastDisconnect = null);
