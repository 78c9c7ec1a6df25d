using System.Collections.Concurrent;
using System.Net.WebSockets;
using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Client.Connections;

/// <summary>
/// One authenticated connection to a node: it frames and sends, correlates each response with its
/// request by id, answers pings' pongs, and hands pushes on in the order they arrived. It lives until
/// the node closes it, the network breaks it, or <see cref="Abort"/>; then every unanswered request
/// fails with <see cref="ConnectionLostException"/>. Reconnecting is not its job.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private readonly IFrameConnection _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _requestSlots;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Response>> _pending = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _pings = new();
    private readonly CancellationTokenSource _closed = new();
    private ulong _nextId;
    private Error? _error;

    private Connection(IFrameConnection socket, Welcome welcome)
    {
        _socket = socket;
        Welcome = welcome;
        _requestSlots = new SemaphoreSlim((int)Math.Clamp(welcome.Limits?.MaxRequestsInFlight ?? 64, 1, 4096));
    }

    public Welcome Welcome { get; }

    /// <summary>Cancelled once the connection has ended.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>
    /// Connects, says hello and waits for the welcome. A refusal (an error frame, a close) throws
    /// <see cref="ConnectionRefusedException"/> with the node's reason; an unreachable node throws the
    /// transport's exception.
    /// </summary>
    public static async Task<Connection> OpenAsync(ITransport transport, Uri endpoint, Hello hello, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IFrameConnection socket;
        try
        {
            socket = await transport.ConnectAsync(endpoint, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectionRefusedException(Disconnect.Lost($"no connection within {timeout.TotalSeconds:0.#} s"));
        }
        try
        {
            await socket.SendAsync(new ClientFrame { Hello = hello }.ToByteArray(), deadline.Token);
            var first = await socket.ReceiveAsync(deadline.Token);
            var frame = first is null ? null : Frames.TryParseServerFrame(first);
            switch (frame?.BodyCase)
            {
                case ServerFrame.BodyOneofCase.Welcome:
                    return new Connection(socket, frame.Welcome);
                case ServerFrame.BodyOneofCase.Error:
                    throw new ConnectionRefusedException(new Disconnect(frame.Error.Code, socket.CloseStatus, frame.Error.Message));
                case null when first is null:
                    throw new ConnectionRefusedException(new Disconnect(null, socket.CloseStatus, $"the node closed the connection ({socket.CloseStatus} {socket.CloseDescription})"));
                default:
                    throw new ConnectionRefusedException(Disconnect.Lost("the node answered the hello with something other than a welcome"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Abort();
            await socket.DisposeAsync();
            throw new ConnectionRefusedException(Disconnect.Lost($"no welcome within {timeout.TotalSeconds:0.#} s"));
        }
        catch
        {
            socket.Abort();
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads frames until the connection ends and returns why it ended. Pushes go to
    /// <paramref name="onPush"/> one at a time, in order; it should hand them on rather than do slow work.
    /// </summary>
    public async Task<Disconnect> RunAsync(Func<Push, ValueTask> onPush)
    {
        try
        {
            while (true)
            {
                var bytes = await _socket.ReceiveAsync(CancellationToken.None);
                if (bytes is null)
                {
                    return _error is { } error
                        ? new Disconnect(error.Code, _socket.CloseStatus, error.Message)
                        : new Disconnect(null, _socket.CloseStatus, $"the node closed the connection ({_socket.CloseStatus} {_socket.CloseDescription})".TrimEnd());
                }
                if (Frames.TryParseServerFrame(bytes) is not { } frame)
                {
                    _socket.Abort();
                    return Disconnect.Lost("the node sent a frame this client cannot read");
                }
                switch (frame.BodyCase)
                {
                    case ServerFrame.BodyOneofCase.Response:
                        if (_pending.TryRemove(frame.Response.Id, out var answer))
                        {
                            answer.TrySetResult(frame.Response);
                        }
                        break;
                    case ServerFrame.BodyOneofCase.Push:
                        await onPush(frame.Push);
                        break;
                    case ServerFrame.BodyOneofCase.Pong:
                        if (_pings.TryRemove(frame.Pong.Nonce, out var pong))
                        {
                            pong.TrySetResult();
                        }
                        break;
                    case ServerFrame.BodyOneofCase.Error:
                        _error = frame.Error; // the node closes next
                        break;
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            return _error is { } known
                ? new Disconnect(known.Code, _socket.CloseStatus, known.Message)
                : Disconnect.Lost($"the connection broke: {error.Message}");
        }
        finally
        {
            await _closed.CancelAsync();
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new ConnectionLostException("the connection ended before the node answered"));
            }
            foreach (var ping in _pings.Values)
            {
                ping.TrySetCanceled();
            }
        }
    }

    /// <summary>
    /// Sends a request. The returned task completes once the frame is written (so callers that await it
    /// in turn keep their requests in order on the wire); its result completes with the response.
    /// Requests beyond the node's in-flight limit wait for a free slot.
    /// </summary>
    public async Task<Task<Response>> StartRequestAsync(Request request, CancellationToken cancellationToken)
    {
        await _requestSlots.WaitAsync(cancellationToken);
        var answer = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            request.Id = Interlocked.Increment(ref _nextId);
            _pending[request.Id] = answer;
            if (_closed.IsCancellationRequested)
            {
                throw new ConnectionLostException("the connection has ended");
            }
            await SendAsync(new ClientFrame { Request = request }, cancellationToken);
        }
        catch (Exception error)
        {
            _pending.TryRemove(request.Id, out _);
            _requestSlots.Release();
            if (error is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                throw new ConnectionLostException($"the request could not be sent: {error.Message}");
            }
            throw;
        }
        return Finish(request.Id, answer.Task);
    }

    /// <summary>Sends a request and waits for its response.</summary>
    public async Task<Response> RequestAsync(Request request, CancellationToken cancellationToken) =>
        await (await StartRequestAsync(request, cancellationToken)).WaitAsync(cancellationToken);

    /// <summary>
    /// Sends a ping and waits for its pong; returns the round trip, or null when none came within
    /// <paramref name="wait"/> or the connection failed meanwhile.
    /// </summary>
    public async Task<TimeSpan?> PingAsync(ulong nonce, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[nonce] = pong;
        var started = time.GetTimestamp();
        try
        {
            await SendAsync(new ClientFrame { Ping = new Ping { Nonce = nonce } }, cancellationToken);
            await pong.Task.WaitAsync(wait, time, cancellationToken);
            return time.GetElapsedTime(started);
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
        finally
        {
            _pings.TryRemove(nonce, out _);
        }
    }

    /// <summary>Acknowledges stored entries: the highest seq per conversation. Lost acks are harmless (entries come again).</summary>
    public async Task AckAsync(IReadOnlyDictionary<string, ulong> cursors, CancellationToken cancellationToken)
    {
        if (cursors.Count == 0)
        {
            return;
        }
        var ack = new Ack();
        ack.Cursors.AddRange(cursors.Select(c => new Cursor { ConversationId = c.Key, Seq = c.Value }));
        try
        {
            await SendAsync(new ClientFrame { Ack = ack }, cancellationToken);
        }
        catch (Exception error) when (error is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is broken: end it; the next one resumes from the device's own cursors.
            _socket.Abort();
        }
    }

    /// <summary>Starts a normal close; <see cref="RunAsync"/> returns once the node has answered it.</summary>
    public async Task CloseAsync(TimeSpan wait)
    {
        using var deadline = new CancellationTokenSource(wait);
        try
        {
            await _sendLock.WaitAsync(deadline.Token);
            try
            {
                await _socket.CloseAsync(deadline.Token);
            }
            finally
            {
                _sendLock.Release();
            }
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (Closed.Register(() => ended.TrySetResult()))
            {
                await ended.Task.WaitAsync(deadline.Token);
            }
        }
        catch (Exception error) when (error is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            _socket.Abort();
        }
        if (!Closed.IsCancellationRequested)
        {
            _socket.Abort();
        }
    }

    /// <summary>Drops the connection at once; <see cref="RunAsync"/> returns.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _socket.DisposeAsync();
    }

    private async Task<Response> Finish(ulong id, Task<Response> answer)
    {
        try
        {
            return await answer;
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _requestSlots.Release();
        }
    }

    private async Task SendAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.ToByteArray();
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}

/// <summary>The node refused the connection, or it could not be made; <see cref="Disconnect"/> says why.</summary>
internal sealed class ConnectionRefusedException(Disconnect disconnect) : Exception(disconnect.ToString())
{
    public Disconnect Disconnect { get; } = disconnect;
}
