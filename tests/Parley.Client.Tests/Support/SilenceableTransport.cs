using Parley.Client.Connections;

namespace Parley.Client.Tests.Support;

/// <summary>
/// Real WebSocket connections that a test can make go silent, like a network that stops carrying
/// packets without closing anything: from then on nothing the connection sends arrives and nothing
/// comes back. Connections opened afterwards work normally.
/// </summary>
public sealed class SilenceableTransport : ITransport
{
    private readonly Lock _lock = new();
    private readonly List<Connection> _open = [];

    /// <summary>Connections opened so far.</summary>
    public int Opened { get; private set; }

    public async Task<IFrameConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var connection = new Connection(await WebSocketTransport.Instance.ConnectAsync(endpoint, cancellationToken));
        lock (_lock)
        {
            Opened++;
            _open.Add(connection);
        }
        return connection;
    }

    /// <summary>Every connection open now goes silent.</summary>
    public void SilenceOpenConnections()
    {
        lock (_lock)
        {
            foreach (var connection in _open)
            {
                connection.Silent = true;
            }
        }
    }

    private sealed class Connection(IFrameConnection inner) : IFrameConnection
    {
        public volatile bool Silent;

        public int? CloseStatus => inner.CloseStatus;

        public string? CloseDescription => inner.CloseDescription;

        public Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
            Silent ? Task.CompletedTask : inner.SendAsync(message, cancellationToken);

        public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var message = await inner.ReceiveAsync(cancellationToken);
                if (!Silent || message is null)
                {
                    return Silent ? await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => (byte[]?)null, TaskScheduler.Default) : message;
                }
            }
        }

        public Task CloseAsync(CancellationToken cancellationToken) => Silent ? Task.CompletedTask : inner.CloseAsync(cancellationToken);

        public void Abort() => inner.Abort();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
