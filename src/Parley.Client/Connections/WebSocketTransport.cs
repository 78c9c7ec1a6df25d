using System.Net.WebSockets;

namespace Parley.Client.Connections;

/// <summary>
/// Connections over <see cref="ClientWebSocket"/>, using only what browser WebAssembly supports too
/// (no socket options, no keep-alive settings: the protocol's own ping keeps the connection alive).
/// </summary>
public sealed class WebSocketTransport : ITransport
{
    /// <summary>The largest message accepted from a node; anything larger breaks the connection.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    public static readonly WebSocketTransport Instance = new();

    public async Task<IFrameConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new WebSocketConnection(socket);
    }

    private sealed class WebSocketConnection(ClientWebSocket socket) : IFrameConnection
    {
        private byte[] _buffer = new byte[16 * 1024];

        public int? CloseStatus { get; private set; }

        public string? CloseDescription { get; private set; }

        public Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
            socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).AsTask();

        public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
        {
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (_buffer.Length >= MaxMessageBytes)
                    {
                        throw new WebSocketException(WebSocketError.Faulted, $"the node sent a message larger than {MaxMessageBytes} bytes");
                    }
                    Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxMessageBytes));
                }
                var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = (int?)socket.CloseStatus;
                    CloseDescription = socket.CloseStatusDescription;
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
                    }
                    return null;
                }
                length += result.Count;
                if (result.EndOfMessage)
                {
                    return _buffer.AsSpan(0, length).ToArray();
                }
            }
        }

        public async Task CloseAsync(CancellationToken cancellationToken)
        {
            // Only the close frame: the receive loop reads the node's answering close.
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
            }
        }

        public void Abort() => socket.Abort();

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
