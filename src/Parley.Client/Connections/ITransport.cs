namespace Parley.Client.Connections;

/// <summary>
/// How the client opens a connection to a node. <see cref="WebSocketTransport"/> works in-process and
/// in browser WebAssembly alike; a host with a socket of its own (or a test) supplies another.
/// </summary>
public interface ITransport
{
    /// <summary>Opens a connection to the node's WebSocket endpoint; throws when the node cannot be reached.</summary>
    Task<IFrameConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken);
}

/// <summary>An open connection that carries whole binary messages (one frame each) both ways.</summary>
public interface IFrameConnection : IAsyncDisposable
{
    /// <summary>Sends one message. Callers never send concurrently.</summary>
    Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>The next message, or null once the peer has closed (see <see cref="CloseStatus"/>); throws when the connection breaks.</summary>
    Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>The close status the peer gave, once it closed.</summary>
    int? CloseStatus { get; }

    /// <summary>The reason the peer gave with its close.</summary>
    string? CloseDescription { get; }

    /// <summary>Starts a normal close: the peer answers with its close, which <see cref="ReceiveAsync"/> then reports.</summary>
    Task CloseAsync(CancellationToken cancellationToken);

    /// <summary>Drops the connection at once.</summary>
    void Abort();
}
