using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Parley.Grains.Accounts;
using Parley.Protocol;

namespace Parley.Server.Gateway;

/// <summary>
/// One device connection: reads frames (bounded in size), authenticates the hello, dispatches
/// requests, and writes every outgoing frame through one bounded queue. A protocol violation gets
/// an error frame and a close with a fitting WebSocket status; nothing here can affect another
/// connection.
/// </summary>
public sealed partial class DeviceSession : IDeviceConnection
{
    private const int ReceiveChunkBytes = 4096;
    private const int MaxCloseReasonBytes = 123;

    private readonly WebSocket _socket;
    private readonly Gateway _gateway;
    private readonly string _remote;
    private readonly Channel<ServerFrame> _outbound;
    private readonly long _openedAt;
    private long _lastReceivedAt;
    private long _closingSince;
    private int _closing;
    private int _inFlight;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";
    private IDeviceConnection? _reference;

    public DeviceSession(WebSocket socket, Gateway gateway, string remote)
    {
        _socket = socket;
        _gateway = gateway;
        _remote = remote;
        _outbound = Channel.CreateBounded<ServerFrame>(new BoundedChannelOptions(gateway.Options.OutboundQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _openedAt = _lastReceivedAt = gateway.Clock.GetTimestamp();
    }

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Set once the hello has been accepted.</summary>
    public SessionIdentity? Identity { get; private set; }

    private bool IsClosing => Volatile.Read(ref _closing) != 0;

    private GatewayOptions Options => _gateway.Options;

    /// <summary>Runs the connection until it closes; never throws for anything the peer does.</summary>
    public async Task RunAsync()
    {
        _gateway.Add(this);
        GatewayLog.Opened(_gateway.Logger, Id, _remote);
        var writing = WriteLoopAsync();
        try
        {
            await ReceiveLoopAsync();
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished or the connection was aborted: nothing more to read.
        }
        finally
        {
            Finish(WebSocketCloseStatus.NormalClosure, "");
            await writing;
            await UnregisterAsync();
            _gateway.Remove(this);
            GatewayLog.Closed(_gateway.Logger, Id, _closeStatus, _closeReason);
        }
    }

    /// <summary>Ends the connection for a reason the peer is told: an error frame, then a close.</summary>
    public void Fail(ErrorCode code, string message)
    {
        if (!BeginClosing(CloseCodes.For(code), message))
        {
            return;
        }
        GatewayLog.Failed(_gateway.Logger, Id, code, message);
        _outbound.Writer.TryWrite(Frames.Error(code, message));
        _outbound.Writer.TryComplete();
    }

    /// <summary>Queues a frame for the device. A device that lets its queue fill up is cut off.</summary>
    public void Send(ServerFrame frame)
    {
        if (!_outbound.Writer.TryWrite(frame) && !IsClosing)
        {
            Fail(ErrorCode.SlowConsumer, "the connection fell too far behind; reconnect and resume from your cursors");
        }
    }

    Task IDeviceConnection.Close(ConnectionCloseReason reason)
    {
        if (reason == ConnectionCloseReason.DeviceRevoked)
        {
            Fail(ErrorCode.DeviceRevoked, "this device has been revoked");
        }
        return Task.CompletedTask;
    }

    internal void CheckDeadlines(long now)
    {
        if (IsClosing)
        {
            if (_gateway.Clock.GetElapsedTime(Volatile.Read(ref _closingSince), now) > Options.CloseGracePeriod)
            {
                _socket.Abort();
            }
        }
        else if (Identity is null)
        {
            if (_gateway.Clock.GetElapsedTime(_openedAt, now) > Options.HelloTimeout)
            {
                Fail(ErrorCode.HelloTimeout, $"no hello within {Options.HelloTimeout.TotalSeconds:0.###} s");
            }
        }
        else if (_gateway.Clock.GetElapsedTime(Volatile.Read(ref _lastReceivedAt), now) > Options.HeartbeatTimeout)
        {
            Fail(ErrorCode.HeartbeatTimeout, $"nothing received for {Options.HeartbeatTimeout.TotalSeconds:0.###} s");
        }
    }

    private async Task ReceiveLoopAsync()
    {
        while (true)
        {
            using var message = await ReceiveMessageAsync();
            if (message.Kind == MessageKind.Close)
            {
                return;
            }
            Volatile.Write(ref _lastReceivedAt, _gateway.Clock.GetTimestamp());
            if (IsClosing)
            {
                continue; // draining until the peer answers our close
            }
            switch (message.Kind)
            {
                case MessageKind.TooLarge:
                    Fail(ErrorCode.FrameTooLarge, $"frames are limited to {Options.MaxFrameBytes} bytes");
                    continue;
                case MessageKind.Text:
                    Fail(ErrorCode.MalformedFrame, "text messages are not part of the protocol; send binary protobuf frames");
                    continue;
            }
            if (Frames.TryParseClientFrame(message.Bytes) is not { } frame)
            {
                Fail(ErrorCode.MalformedFrame, "the message is not a valid ClientFrame");
                continue;
            }
            await HandleAsync(frame);
        }
    }

    private async Task HandleAsync(ClientFrame frame)
    {
        if (Identity is null)
        {
            if (frame.BodyCase == ClientFrame.BodyOneofCase.Hello)
            {
                await AuthenticateAsync(frame.Hello);
            }
            else
            {
                Fail(ErrorCode.UnexpectedFrame, "the first frame must be a hello");
            }
            return;
        }
        switch (frame.BodyCase)
        {
            case ClientFrame.BodyOneofCase.Ping:
                Send(new ServerFrame { Pong = new Pong { Nonce = frame.Ping.Nonce } });
                break;
            case ClientFrame.BodyOneofCase.Request:
                Dispatch(frame.Request);
                break;
            case ClientFrame.BodyOneofCase.Hello:
                Fail(ErrorCode.UnexpectedFrame, "hello was already received on this connection");
                break;
            default:
                Fail(ErrorCode.UnexpectedFrame, $"{frame.BodyCase} frames are not accepted on this connection");
                break;
        }
    }

    private async Task AuthenticateAsync(Hello hello)
    {
        if (hello.ProtocolVersion != WireProtocol.Version)
        {
            Fail(ErrorCode.UnsupportedVersion, $"this node speaks protocol version {WireProtocol.Version}, not {hello.ProtocolVersion}");
            return;
        }
        var credentials = hello.Credentials;
        if (credentials is null
            || !Guid.TryParse(credentials.AccountId, out var accountId)
            || credentials.Token.Length != WireProtocol.TokenLength)
        {
            Fail(ErrorCode.Unauthenticated, "unknown device or wrong token");
            return;
        }
        _reference = _gateway.Grains.CreateObjectReference<IDeviceConnection>(this);
        var outcome = await _gateway.Grains.GetGrain<IAccountGrain>(accountId)
            .Connect(credentials.DeviceId, DeviceToken.Hash(credentials.Token.Span), Id, _reference);
        switch (outcome)
        {
            case ConnectOutcome.Unauthenticated:
                Fail(ErrorCode.Unauthenticated, "unknown device or wrong token");
                return;
            case ConnectOutcome.TooManyConnections:
                Fail(ErrorCode.TooManyConnections, "this device already has its maximum number of connections");
                return;
        }
        Identity = new SessionIdentity(accountId, credentials.DeviceId, Id);
        GatewayLog.Authenticated(_gateway.Logger, Id, accountId, credentials.DeviceId, Truncate(hello.ClientName, 64));
        Send(new ServerFrame { Welcome = Welcome() });
    }

    private Welcome Welcome() => new()
    {
        ProtocolVersion = WireProtocol.Version,
        AccountId = Identity!.AccountId.ToString(),
        DeviceId = Identity.DeviceId,
        ConnectionId = Id.ToString(),
        ServerTimeMs = (ulong)_gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        Heartbeat = new HeartbeatPolicy
        {
            MinIntervalMs = (uint)Options.HeartbeatMinInterval.TotalMilliseconds,
            MaxIntervalMs = (uint)Options.HeartbeatMaxInterval.TotalMilliseconds,
            TimeoutMs = (uint)Options.HeartbeatTimeout.TotalMilliseconds,
        },
        Limits = _gateway.Dispatcher.Limits(Options),
    };

    private void Dispatch(Request request)
    {
        if (request.Id == 0)
        {
            Send(Frames.Response(0, Frames.ErrorBody(ErrorCode.InvalidRequest, "a request needs a non-zero id")));
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > Options.MaxRequestsInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            Send(Frames.Response(request.Id, Frames.ErrorBody(
                ErrorCode.TooManyRequestsInFlight, $"at most {Options.MaxRequestsInFlight} requests may be unanswered at once")));
            return;
        }
        _ = AnswerAsync(request);
    }

    private async Task AnswerAsync(Request request)
    {
        try
        {
            var response = await _gateway.Dispatcher.DispatchAsync(Identity!, request);
            response.Id = request.Id;
            Send(new ServerFrame { Response = response });
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var frame))
                {
                    await WriteFrameAsync(frame);
                }
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, CancellationToken.None);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection broke while writing; the receive side ends the session.
            _socket.Abort();
        }
    }

    private async ValueTask WriteFrameAsync(ServerFrame frame)
    {
        var size = frame.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            frame.WriteTo(buffer.AsSpan(0, size));
            await _socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one whole message. Waits for it with a zero-byte read, so an idle connection holds no
    /// receive buffer; a buffer is rented only while a message is being read.
    /// </summary>
    private async Task<ReceivedMessage> ReceiveMessageAsync()
    {
        var first = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return ReceivedMessage.Closed;
        }
        if (first.EndOfMessage)
        {
            return new ReceivedMessage(first.MessageType == WebSocketMessageType.Text ? MessageKind.Text : MessageKind.Binary, [], 0);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveChunkBytes);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, Options.MaxFrameBytes + 1));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return ReceivedMessage.Closed;
            }
            length += result.Count;
            if (length > Options.MaxFrameBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return new ReceivedMessage(MessageKind.TooLarge, [], 0);
            }
            if (result.EndOfMessage)
            {
                var kind = result.MessageType == WebSocketMessageType.Text ? MessageKind.Text : MessageKind.Binary;
                return new ReceivedMessage(kind, buffer, length, pooled: true);
            }
        }
    }

    private bool BeginClosing(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.CompareExchange(ref _closing, 1, 0) != 0)
        {
            return false;
        }
        _closeStatus = status;
        _closeReason = Truncate(reason, MaxCloseReasonBytes);
        Volatile.Write(ref _closingSince, _gateway.Clock.GetTimestamp());
        return true;
    }

    /// <summary>Closes without an error (the peer closed, or the session is over).</summary>
    private void Finish(WebSocketCloseStatus status, string reason)
    {
        if (BeginClosing(status, reason))
        {
            _outbound.Writer.TryComplete();
        }
    }

    private async Task UnregisterAsync()
    {
        if (Identity is { } identity)
        {
            await _gateway.Grains.GetGrain<IAccountGrain>(identity.AccountId).Disconnect(identity.DeviceId, Id);
        }
        if (_reference is not null)
        {
            _gateway.Grains.DeleteObjectReference<IDeviceConnection>(_reference);
        }
    }

    private static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }
        var length = Math.Min(text.Length, maxBytes);
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > maxBytes)
        {
            length--;
        }
        return text[..length];
    }

    private enum MessageKind
    {
        Binary,
        Text,
        TooLarge,
        Close,
    }

    private readonly struct ReceivedMessage(MessageKind kind, byte[] buffer, int length, bool pooled = false) : IDisposable
    {
        public static ReceivedMessage Closed => new(MessageKind.Close, [], 0);

        public MessageKind Kind { get; } = kind;

        public ReadOnlySpan<byte> Bytes => buffer.AsSpan(0, length);

        public void Dispose()
        {
            if (pooled)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
