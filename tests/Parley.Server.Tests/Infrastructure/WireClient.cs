using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A bare protocol client over a real WebSocket, for tests that speak the wire protocol directly:
/// it sends exactly the bytes a test asks for and records every frame and the close it gets back.
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<ServerFrame> _incoming = Channel.CreateUnbounded<ServerFrame>();
    private readonly Queue<ServerFrame> _unclaimed = new();
    private readonly TaskCompletionSource<(WebSocketCloseStatus? Status, string? Description)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiving;
    private ulong _nextRequestId;

    private WireClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public Welcome? Welcome { get; private set; }

    public TestCredentials? Credentials { get; private set; }

    public static async Task<WireClient> OpenAsync(TestNode node)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(node.WebSocketAddress, CancellationToken.None);
        return new WireClient(socket);
    }

    /// <summary>Connects, says hello with the credentials and waits for the welcome.</summary>
    public static async Task<WireClient> ConnectDeviceAsync(TestNode node, TestCredentials credentials, IEnumerable<Cursor>? cursors = null)
    {
        var client = await OpenAsync(node);
        await client.SendAsync(new ClientFrame { Hello = Hello(credentials, cursors) });
        var frame = await client.ReceiveAsync();
        if (frame.BodyCase != ServerFrame.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException($"expected a welcome, got {frame}");
        }
        client.Welcome = frame.Welcome;
        client.Credentials = credentials;
        return client;
    }

    public static Hello Hello(TestCredentials credentials, IEnumerable<Cursor>? cursors = null)
    {
        var hello = new Hello
        {
            ProtocolVersion = WireProtocol.Version,
            ClientName = "parley-tests",
            Credentials = new DeviceCredentials
            {
                AccountId = credentials.AccountId,
                DeviceId = credentials.DeviceId,
                Token = ByteString.CopyFrom(credentials.Token),
            },
        };
        hello.Cursors.AddRange(cursors ?? []);
        return hello;
    }

    public Task SendAsync(ClientFrame frame) => SendBytesAsync(frame.ToByteArray(), WebSocketMessageType.Binary);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a request and returns its response; frames that arrive meanwhile stay queued for <see cref="ReceiveAsync"/>.</summary>
    public async Task<Response> RequestAsync(Request request, TimeSpan? timeout = null)
    {
        request.Id = Interlocked.Increment(ref _nextRequestId);
        await SendAsync(new ClientFrame { Request = request });
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var skipped = new List<ServerFrame>();
        try
        {
            while (true)
            {
                var frame = await _incoming.Reader.ReadAsync(deadline.Token);
                if (frame.BodyCase == ServerFrame.BodyOneofCase.Response && frame.Response.Id == request.Id)
                {
                    return frame.Response;
                }
                skipped.Add(frame);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no response to request {request.Id} ({request.BodyCase}) within {timeout ?? DefaultTimeout}");
        }
        catch (ChannelClosedException)
        {
            var (status, description) = await _closed.Task;
            throw new InvalidOperationException($"the connection closed ({status} {description}) before request {request.Id} was answered");
        }
        finally
        {
            foreach (var frame in skipped)
            {
                _unclaimed.Enqueue(frame);
            }
        }
    }

    /// <summary>The next frame not claimed by a request; throws on timeout or when the connection closed first.</summary>
    public async Task<ServerFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        if (_unclaimed.TryDequeue(out var queued))
        {
            return queued;
        }
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _incoming.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no frame within {timeout ?? DefaultTimeout}");
        }
        catch (ChannelClosedException)
        {
            var (status, description) = await _closed.Task;
            throw new InvalidOperationException($"the connection closed ({status} {description}) with no further frame");
        }
    }

    /// <summary>Skips frames until one matches; throws on timeout.</summary>
    public async Task<ServerFrame> ReceiveAsync(Func<ServerFrame, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var frame = await ReceiveAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Waits until the node closes the connection and returns its close status and reason.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Description)> ClosedAsync(TimeSpan? timeout = null) =>
        await _closed.Task.WaitAsync(timeout ?? DefaultTimeout);

    /// <summary>The frames received before the close, such as the error frame that explains it.</summary>
    public async Task<List<ServerFrame>> DrainUntilClosedAsync(TimeSpan? timeout = null)
    {
        await ClosedAsync(timeout);
        var frames = new List<ServerFrame>(_unclaimed);
        _unclaimed.Clear();
        while (_incoming.Reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }
        return frames;
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Drops the TCP connection without a close handshake, like a phone losing signal.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult((result.CloseStatus, result.CloseStatusDescription));
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    return;
                }
                var frame = Frames.TryParseServerFrame(buffer.AsSpan(0, length))
                    ?? throw new InvalidDataException("the node sent a frame that is not a ServerFrame");
                _incoming.Writer.TryWrite(frame);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _closed.TrySetResult((null, $"aborted: {error.Message}"));
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }
}
