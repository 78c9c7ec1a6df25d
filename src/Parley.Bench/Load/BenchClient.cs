using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Bench.Load;

/// <summary>
/// A lean protocol client for load generation: one WebSocket, one receive loop, requests correlated
/// by id, entries handed to a callback and acknowledged per frame. No local store and no retries of
/// its own: scenarios decide what a lost connection means.
/// </summary>
public sealed class BenchClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Response>> _pending = new();
    private readonly TaskCompletionSource<Welcome> _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiving;
    private long _nextRequestId;

    public BenchClient(BenchCredentials credentials, int index)
    {
        Credentials = credentials;
        Index = index;
    }

    public BenchCredentials Credentials { get; }

    /// <summary>The client's number in its scenario.</summary>
    public int Index { get; }

    /// <summary>Called on the receive loop for every frame of entries, before they are acknowledged.</summary>
    public Action<BenchClient, Entries>? OnEntries { get; set; }

    /// <summary>Called when the connection ends, for whatever reason.</summary>
    public Action<BenchClient>? OnClosed { get; set; }

    /// <summary>Completes when the node says replay is done (SyncState caught_up).</summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>Completes when the connection has ended.</summary>
    public Task Closed => _closed.Task;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Connects and says hello; returns once welcomed.</summary>
    public async Task ConnectAsync(Uri address, IEnumerable<Cursor>? cursors = null, CancellationToken cancellationToken = default)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(address, LoopbackSources.Invoker, cancellationToken);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        var hello = new Hello
        {
            ProtocolVersion = WireProtocol.Version,
            ClientName = "parley-bench",
            Credentials = new DeviceCredentials
            {
                AccountId = Credentials.AccountId,
                DeviceId = Credentials.DeviceId,
                Token = ByteString.CopyFrom(Credentials.Token),
            },
        };
        hello.Cursors.AddRange(cursors ?? []);
        await SendAsync(new ClientFrame { Hello = hello });
        await _welcome.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public async Task<Response> RequestAsync(Request request, CancellationToken cancellationToken = default)
    {
        request.Id = (ulong)Interlocked.Increment(ref _nextRequestId);
        var answer = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Id] = answer;
        try
        {
            await SendAsync(new ClientFrame { Request = request });
            return await answer.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        finally
        {
            _pending.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Sends a message to a conversation (or a peer) and returns the node's answer.</summary>
    public Task<Response> SendMessageAsync(string? conversationId, string? peerAccountId, ByteString payload, ByteString clientMessageId, bool retry = false)
    {
        var send = new SendMessage { ClientMessageId = clientMessageId, Payload = payload, Retry = retry };
        if (conversationId is not null)
        {
            send.ConversationId = conversationId;
        }
        else
        {
            send.PeerAccountId = peerAccountId;
        }
        return RequestAsync(new Request { Send = send });
    }

    public async Task SendAsync(ClientFrame frame)
    {
        var size = frame.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        frame.WriteTo(buffer.AsSpan(0, size));
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // Closing politely failed; abort below.
            }
        }
        _socket.Abort();
        if (_receiving is not null)
        {
            await _receiving;
        }
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                await HandleAsync(ServerFrame.Parser.ParseFrom(buffer, 0, length));
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidProtocolBufferException)
        {
            // The connection ended.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            var closed = new InvalidOperationException("the connection closed");
            _welcome.TrySetException(closed);
            foreach (var answer in _pending.Values)
            {
                answer.TrySetException(closed);
            }
            _closed.TrySetResult();
            OnClosed?.Invoke(this);
        }
    }

    private async Task HandleAsync(ServerFrame frame)
    {
        switch (frame.BodyCase)
        {
            case ServerFrame.BodyOneofCase.Welcome:
                _welcome.TrySetResult(frame.Welcome);
                break;
            case ServerFrame.BodyOneofCase.Response:
                if (_pending.TryRemove(frame.Response.Id, out var answer))
                {
                    answer.TrySetResult(frame.Response);
                }
                break;
            case ServerFrame.BodyOneofCase.Push when frame.Push.Entries is { } entries:
                OnEntries?.Invoke(this, entries);
                await AcknowledgeAsync(entries);
                break;
            case ServerFrame.BodyOneofCase.Push when frame.Push.SyncState is { CaughtUp: true }:
                _caughtUp.TrySetResult();
                break;
            case ServerFrame.BodyOneofCase.Error:
                _welcome.TrySetException(new InvalidOperationException($"{frame.Error.Code}: {frame.Error.Message}"));
                break;
        }
    }

    private Task AcknowledgeAsync(Entries entries)
    {
        var ack = new Ack();
        foreach (var entry in entries.Entries_)
        {
            var last = ack.Cursors.Count > 0 ? ack.Cursors[^1] : null;
            if (last is not null && last.ConversationId == entry.ConversationId)
            {
                last.Seq = Math.Max(last.Seq, entry.Seq);
            }
            else
            {
                ack.Cursors.Add(new Cursor { ConversationId = entry.ConversationId, Seq = entry.Seq });
            }
        }
        // Not awaited in order with other sends on purpose: the receive loop must keep reading.
        return SendAsync(new ClientFrame { Ack = ack });
    }
}
