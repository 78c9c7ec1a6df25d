using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Parley.Protocol;

namespace Parley.Testing;

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
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, TaskCompletionSource<Response>> _pending = new();
    private ulong _nextRequestId;

    private WireClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public Welcome? Welcome { get; private set; }

    public TestCredentials? Credentials { get; private set; }

    public static async Task<WireClient> OpenAsync(NodeEndpoint node)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(node.WebSocketAddress, CancellationToken.None);
        return new WireClient(socket);
    }

    /// <summary>
    /// Connects, says hello with the credentials, waits for the welcome and — unless told not to —
    /// for the sync-state push that says replay is complete. Entries replayed meanwhile stay queued
    /// for <see cref="ReceiveAsync"/>.
    /// </summary>
    public static async Task<WireClient> ConnectDeviceAsync(NodeEndpoint node, TestCredentials credentials, IEnumerable<Cursor>? cursors = null, bool awaitCaughtUp = true)
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
        if (awaitCaughtUp)
        {
            await client.WaitCaughtUpAsync();
        }
        return client;
    }

    /// <summary>Waits for the sync-state push; frames before it stay queued, in order.</summary>
    public async Task WaitCaughtUpAsync(TimeSpan? timeout = null)
    {
        var before = new List<ServerFrame>();
        while (true)
        {
            var frame = await ReceiveAsync(timeout);
            if (frame.Push?.SyncState?.CaughtUp == true)
            {
                break;
            }
            before.Add(frame);
        }
        var after = _unclaimed.ToList();
        _unclaimed.Clear();
        foreach (var frame in before.Concat(after))
        {
            _unclaimed.Enqueue(frame);
        }
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

    /// <summary>Sends a request and returns its response. Requests may run concurrently; other frames stay queued for <see cref="ReceiveAsync"/>.</summary>
    public async Task<Response> RequestAsync(Request request, TimeSpan? timeout = null)
    {
        request.Id = Interlocked.Increment(ref _nextRequestId);
        var answer = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Id] = answer;
        try
        {
            await SendAsync(new ClientFrame { Request = request });
            return await answer.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no response to request {request.Id} ({request.BodyCase}) within {timeout ?? DefaultTimeout}");
        }
        finally
        {
            _pending.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Sends a message (to a conversation, or to a peer account for a 1:1) and returns the node's answer.</summary>
    public async Task<Response> SendMessageAsync(
        string? conversationId = null, string? peer = null, string? text = null, byte[]? clientMessageId = null, bool retry = false,
        IEnumerable<DevicePayload>? devicePayloads = null)
    {
        var send = new SendMessage
        {
            ClientMessageId = ByteString.CopyFrom(clientMessageId ?? Guid.NewGuid().ToByteArray()),
            Retry = retry,
        };
        if (conversationId is not null)
        {
            send.ConversationId = conversationId;
        }
        else
        {
            send.PeerAccountId = peer ?? throw new ArgumentException("a conversation or a peer");
        }
        if (devicePayloads is not null)
        {
            send.DevicePayloads.AddRange(devicePayloads);
        }
        else
        {
            send.Payload = ByteString.CopyFromUtf8(text ?? "hello");
        }
        return await RequestAsync(new Request { Send = send });
    }

    /// <summary>
    /// Collects <paramref name="count"/> entries from entry pushes (acknowledging each push when
    /// <paramref name="ack"/>), in the order received. Other frames stay queued.
    /// </summary>
    public async Task<List<Entry>> ReceiveEntriesAsync(int count, TimeSpan? timeout = null, bool ack = true)
    {
        var entries = new List<Entry>();
        var others = new List<ServerFrame>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        try
        {
            while (entries.Count < count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"received {entries.Count} of {count} entries");
                }
                var frame = await ReceiveAsync(left);
                if (frame.Push?.Entries is not { } push)
                {
                    others.Add(frame);
                    continue;
                }
                entries.AddRange(push.Entries_);
                if (ack)
                {
                    await AckAsync(push.Entries_);
                }
            }
        }
        finally
        {
            var rest = _unclaimed.ToList();
            _unclaimed.Clear();
            foreach (var frame in others.Concat(rest))
            {
                _unclaimed.Enqueue(frame);
            }
        }
        return entries;
    }

    /// <summary>Acknowledges entries: the highest seq per conversation.</summary>
    public Task AckAsync(IEnumerable<Entry> entries)
    {
        var ack = new Ack();
        ack.Cursors.AddRange(entries.GroupBy(e => e.ConversationId).Select(g => new Cursor { ConversationId = g.Key, Seq = g.Max(e => e.Seq) }));
        return SendAsync(new ClientFrame { Ack = ack });
    }

    /// <summary>Receives frames until one is a push matching <paramref name="match"/>; other frames stay queued.</summary>
    public async Task<Push> ReceivePushAsync(Func<Push, bool> match, TimeSpan? timeout = null)
    {
        var others = new List<ServerFrame>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException("no matching push");
                }
                var frame = await ReceiveAsync(left);
                if (frame.Push is { } push && match(push))
                {
                    return push;
                }
                others.Add(frame);
            }
        }
        finally
        {
            var rest = _unclaimed.ToList();
            _unclaimed.Clear();
            foreach (var frame in others.Concat(rest))
            {
                _unclaimed.Enqueue(frame);
            }
        }
    }

    /// <summary>Every frame that arrives within <paramref name="quiet"/> of the last (for asserting that nothing more comes).</summary>
    public async Task<List<ServerFrame>> ReceiveAllAsync(TimeSpan quiet)
    {
        var frames = new List<ServerFrame>();
        while (true)
        {
            try
            {
                frames.Add(await ReceiveAsync(quiet));
            }
            catch (TimeoutException)
            {
                return frames;
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

    /// <summary>Stops reading from the socket, as a device whose network stalled: the node's writes back up.</summary>
    public void PauseReading() => _readGate.Wait();

    /// <summary>Whether the node still holds this connection (by its connection id).</summary>
    public bool IsOpenOnServer(TestNode node) =>
        node.Services.GetRequiredService<Parley.Server.Gateway.Gateway>().HasSession(Guid.Parse(Welcome!.ConnectionId));

    /// <summary>Drops the TCP connection without a close handshake, like a phone losing signal.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_readGate.CurrentCount == 0)
        {
            _socket.Abort();
            _readGate.Release();
        }
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
                await _readGate.WaitAsync();
                _readGate.Release();
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
                if (frame.Response is { } response && _pending.TryRemove(response.Id, out var answer))
                {
                    answer.TrySetResult(response);
                    continue;
                }
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
            foreach (var answer in _pending.Values)
            {
                answer.TrySetException(new InvalidOperationException("the connection closed before the request was answered"));
            }
        }
    }
}
