using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Orleans.Concurrency;
using Parley.Grains.Accounts;
using Parley.Grains.Conversations;
using Parley.Protocol;
using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>
/// One device connection. The receive side reads frames (bounded in size), authenticates the hello
/// and dispatches requests and acknowledgements. Everything going out — responses, pushes, entries
/// — passes through one bounded queue into a single pump, which feeds entries through the
/// connection's <see cref="DeviceFeed"/> (live, or replayed from the store) and writes frames. A
/// protocol violation gets an error frame and a close with a fitting WebSocket status; nothing here
/// can affect another connection.
/// </summary>
public sealed partial class DeviceSession : IDeviceConnection
{
    private const int ReceiveChunkBytes = 4096;
    private const int MaxCloseReasonBytes = 123;

    private readonly WebSocket _socket;
    private readonly Gateway _gateway;
    private readonly string _remote;
    private readonly Channel<Outgoing> _outbound;
    private readonly DeviceFeed _feed;
    private readonly Lock _lock = new(); // guards the acknowledgements and presence subscriptions below
    // Made on first use: an idle connection should cost as little memory as it can.
    private Dictionary<string, Task>? _conversationTails;
    private HashSet<Guid>? _presenceTargets;
    private Dictionary<string, ulong>? _acks;
    private int _acksSignalled;
    private readonly long _openedAt;
    private long _lastReceivedAt;
    private long _lastRefreshAt;
    private long _closingSince;
    private int _closing;
    private int _inFlight;
    private int _refreshing;
    private volatile bool _welcomed;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";
    private byte[] _tokenHash = [];

    public DeviceSession(WebSocket socket, Gateway gateway, string remote)
    {
        _socket = socket;
        _gateway = gateway;
        _remote = remote;
        _outbound = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(gateway.Options.OutboundQueueFrames)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _feed = new DeviceFeed(gateway.Options.SyncPageEntries, gateway.Options.SyncWindowEntries);
        _openedAt = _lastReceivedAt = gateway.Clock.GetTimestamp();
    }

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Set once the hello has been accepted.</summary>
    public SessionIdentity? Identity { get; private set; }

    /// <summary>This connection as the actors address it.</summary>
    public IDeviceConnection? Reference { get; private set; }

    private bool IsClosing => Volatile.Read(ref _closing) != 0;

    private GatewayOptions Options => _gateway.Options;

    /// <summary>Runs the connection until it closes; never throws for anything the peer does.</summary>
    public async Task RunAsync()
    {
        _gateway.Add(this);
        GatewayMetrics.Connections.Add(1);
        GatewayLog.Opened(_gateway.Logger, Id, _remote);
        var pumping = PumpAsync();
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
            await pumping;
            await UnregisterAsync();
            _gateway.Remove(this);
            GatewayMetrics.Connections.Add(-1);
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
        _outbound.Writer.TryWrite(Outgoing.Of(Frames.Error(code, message)));
        _outbound.Writer.TryComplete();
    }

    /// <summary>Queues a frame for the device.</summary>
    public void Send(ServerFrame frame) => Enqueue(Outgoing.Of(frame));

    /// <summary>Remembers a presence subscription, to renew it and to end it with the connection. False when over the limit.</summary>
    internal bool TrackPresence(Guid target)
    {
        lock (_lock)
        {
            _presenceTargets ??= [];
            return _presenceTargets.Contains(target) || _presenceTargets.Count < Options.MaxPresenceSubscriptions && _presenceTargets.Add(target);
        }
    }

    Task IDeviceConnection.Deliver(LogEntry entry)
    {
        Enqueue(Outgoing.Of(entry));
        return Task.CompletedTask;
    }

    Task IDeviceConnection.Push(Immutable<byte[]> frame)
    {
        // Nothing may precede the welcome; a receipt or typing notice that early is simply not shown.
        if (_welcomed)
        {
            Enqueue(Outgoing.Of(frame.Value));
        }
        return Task.CompletedTask;
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
        else if (_gateway.Clock.GetElapsedTime(Volatile.Read(ref _lastRefreshAt), now) > Options.RegistrationRefreshInterval
            && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            Volatile.Write(ref _lastRefreshAt, now);
            _ = RefreshAsync();
        }
    }

    private void Enqueue(Outgoing item)
    {
        if (!_outbound.Writer.TryWrite(item) && !IsClosing)
        {
            GatewayMetrics.SlowConsumers.Add(1);
            Fail(ErrorCode.SlowConsumer, "the connection fell too far behind; reconnect and resume from your cursors");
        }
    }

    // ----- receiving ----------------------------------------------------------------------------

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
            case ClientFrame.BodyOneofCase.Ack:
                Acknowledge(frame.Ack);
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
        _tokenHash = DeviceToken.Hash(credentials.Token.Span);
        Reference = _gateway.Grains.CreateObjectReference<IDeviceConnection>(this);
        var outcome = await _gateway.Actors.Account(accountId).Connect(credentials.DeviceId, _tokenHash, Id, Reference);
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
        // Before the positions are read: whatever commits after that read reaches this connection live.
        _gateway.LocalConnections.Add(accountId, credentials.DeviceId, Id, this);
        Volatile.Write(ref _lastRefreshAt, _gateway.Clock.GetTimestamp());
        GatewayLog.Authenticated(_gateway.Logger, Id, accountId, credentials.DeviceId, Truncate(hello.ClientName, 64));
        Send(new ServerFrame { Welcome = Welcome() });
        _welcomed = true;

        // Live entries may already be arriving; the feed holds them back until it knows where the
        // device stands in each of its conversations.
        var cursors = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var cursor in hello.Cursors)
        {
            cursors[cursor.ConversationId] = cursor.Seq;
        }
        var positions = await _gateway.Conversations.GetSyncPositionsAsync(accountId, credentials.DeviceId, cursors);
        Enqueue(Outgoing.Start(positions));
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

    private void Acknowledge(Ack ack)
    {
        foreach (var cursor in ack.Cursors)
        {
            if (!ConversationIds.IsWellFormed(cursor.ConversationId))
            {
                continue; // an ack for something that cannot exist changes nothing
            }
            lock (_lock)
            {
                _acks ??= new Dictionary<string, ulong>(StringComparer.Ordinal);
                _acks[cursor.ConversationId] = Math.Max(cursor.Seq, _acks.GetValueOrDefault(cursor.ConversationId));
            }
        }
        // Acknowledgements are coalesced outside the bounded queue (a device acking fast must never
        // overflow it); one wake-up item tells the pump to take them.
        if (Interlocked.Exchange(ref _acksSignalled, 1) == 0)
        {
            _outbound.Writer.TryWrite(Outgoing.AcksWaiting);
        }
    }

    /// <summary>
    /// Applies the acknowledgements received since the last call: to the feed (flow control) and,
    /// one call per conversation however many acks arrived, to the conversations' actors.
    /// </summary>
    private void TakeAcks()
    {
        Volatile.Write(ref _acksSignalled, 0);
        var identity = Identity!;
        lock (_lock)
        {
            if (_acks is null)
            {
                return;
            }
            foreach (var (conversationId, seq) in _acks)
            {
                _feed.OnAck(conversationId, seq);
                _ = _gateway.Actors.Conversation(conversationId).Ack(identity.AccountId, identity.DeviceId, seq);
            }
            _acks.Clear();
        }
    }

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
        // Requests about one conversation are served in the order they arrived; others run side by side.
        var key = RequestDispatcher.OrderingKey(Identity!, request);
        if (key is null)
        {
            _ = AnswerAsync(request, previous: null);
            return;
        }
        _conversationTails ??= new Dictionary<string, Task>(StringComparer.Ordinal);
        _conversationTails.TryGetValue(key, out var tail);
        _conversationTails[key] = AnswerAsync(request, tail is { IsCompleted: false } ? tail : null);
        if (_conversationTails.Count > 64)
        {
            foreach (var done in _conversationTails.Where(pair => pair.Value.IsCompleted).Select(pair => pair.Key).ToList())
            {
                _conversationTails.Remove(done);
            }
        }
    }

    private async Task AnswerAsync(Request request, Task? previous)
    {
        try
        {
            if (previous is not null)
            {
                await previous;
            }
            var response = await _gateway.Dispatcher.DispatchAsync(this, request);
            response.Id = request.Id;
            if (response.Send is { Duplicate: false } sent)
            {
                Enqueue(Outgoing.Own(sent.ConversationId, sent.Seq)); // the device has its own entry
            }
            Send(new ServerFrame { Response = response });
            GatewayMetrics.Requests.Add(1);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // ----- sending ------------------------------------------------------------------------------

    /// <summary>
    /// The one writer: takes what is queued, runs entries through the feed, reads from the store what
    /// the feed asks for, and writes frames — entries batched into as few frames as fit.
    /// </summary>
    private async Task PumpAsync()
    {
        var reader = _outbound.Reader;
        var batch = new List<LogEntry>();
        var grace = (long)(Options.ReorderGrace.TotalSeconds * _gateway.Clock.TimestampFrequency);
        try
        {
            while (await WaitForWorkAsync(reader))
            {
                while (reader.TryRead(out var item))
                {
                    switch (item.Kind)
                    {
                        case OutgoingKind.Entry:
                            _feed.OnLive(item.Entry!, _gateway.Clock.GetTimestamp(), batch);
                            continue;
                        case OutgoingKind.Own:
                            _feed.OnOwn(item.ConversationId!, item.Seq, _gateway.Clock.GetTimestamp(), batch);
                            continue;
                        case OutgoingKind.AcksWaiting:
                            continue;
                        case OutgoingKind.Start:
                            _feed.Start(item.Positions!);
                            continue;
                    }
                    await WriteEntriesAsync(batch);
                    if (item.Kind == OutgoingKind.Frame)
                    {
                        await WriteFrameAsync(item.Frame!);
                    }
                    else
                    {
                        await WriteBytesAsync(item.Bytes!, item.Bytes!.Length);
                    }
                }
                GatewayMetrics.EntriesLive.Add(batch.Count);
                await WriteEntriesAsync(batch);
                TakeAcks();
                _feed.ExpireGaps(_gateway.Clock.GetTimestamp(), grace);
                await CatchUpAsync();
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
        catch (Exception error)
        {
            GatewayLog.PumpFailed(_gateway.Logger, Id, error);
            _socket.Abort();
        }
    }

    /// <summary>
    /// Waits for something to send; while the feed holds entries back behind a missing seq, wakes
    /// after the reorder grace period anyway, so the gap is repaired from the store.
    /// </summary>
    private ValueTask<bool> WaitForWorkAsync(ChannelReader<Outgoing> reader) =>
        _feed.HasGaps ? WaitOrWakeAsync(reader) : reader.WaitToReadAsync();

    private async ValueTask<bool> WaitOrWakeAsync(ChannelReader<Outgoing> reader)
    {
        using var wake = new CancellationTokenSource(Options.ReorderGrace);
        try
        {
            return await reader.WaitToReadAsync(wake.Token);
        }
        catch (OperationCanceledException) when (wake.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>Does the store reads the feed asks for until it asks for none (or its window is full).</summary>
    private async Task CatchUpAsync()
    {
        if (Identity is not { } identity)
        {
            return;
        }
        while (!IsClosing && _feed.NextWork() is { } work)
        {
            GatewayMetrics.StoreReads.Add(1);
            if (work.Kind == FeedWorkKind.ResolvePosition)
            {
                var positions = await _gateway.Conversations.GetSyncPositionsAsync(
                    identity.AccountId, identity.DeviceId, new Dictionary<string, ulong>(), work.ConversationId);
                _feed.OnResolved(work.ConversationId, positions.FirstOrDefault());
                continue;
            }
            var page = await _gateway.Conversations.ReadAsync(identity.AccountId, identity.DeviceId, work.ConversationId, work.AfterSeq, work.Limit);
            var send = _feed.OnPage(work.ConversationId, page, work.Limit);
            GatewayMetrics.EntriesReplayed.Add(send.Count);
            await WriteEntriesAsync(send as List<LogEntry> ?? [.. send]);
        }
        if (_feed.TakeCaughtUp())
        {
            await WriteFrameAsync(Frames.Push(new Push { SyncState = new SyncState { CaughtUp = true } }));
        }
    }

    private async Task WriteEntriesAsync(List<LogEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var identity = Identity!;
        var push = new Entries();
        var size = 0;
        foreach (var entry in entries)
        {
            var wire = WireEntries.ToWire(entry, identity.AccountId, identity.DeviceId);
            var entrySize = wire.CalculateSize() + 8;
            if (push.Entries_.Count > 0 && size + entrySize > Options.MaxEntriesFrameBytes)
            {
                await WriteFrameAsync(Frames.Push(new Push { Entries = push }));
                push = new Entries();
                size = 0;
            }
            push.Entries_.Add(wire);
            size += entrySize;
        }
        await WriteFrameAsync(Frames.Push(new Push { Entries = push }));
        entries.Clear();
    }

    private async ValueTask WriteFrameAsync(ServerFrame frame)
    {
        var size = frame.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            frame.WriteTo(buffer.AsSpan(0, size));
            await WriteBytesAsync(buffer, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ValueTask WriteBytesAsync(byte[] bytes, int length) =>
        _socket.SendAsync(bytes.AsMemory(0, length), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

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

    // ----- life cycle ---------------------------------------------------------------------------

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

    /// <summary>Renews the registration with the account's actor and every presence subscription.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            if (Identity is not { } identity || Reference is null)
            {
                return;
            }
            var outcome = await _gateway.Actors.Account(identity.AccountId).Connect(identity.DeviceId, _tokenHash, Id, Reference);
            if (outcome == ConnectOutcome.Unauthenticated)
            {
                Fail(ErrorCode.DeviceRevoked, "this device has been revoked");
                return;
            }
            foreach (var target in PresenceTargets())
            {
                await _gateway.Actors.Account(target).WatchPresence(Id, Reference);
            }
        }
        catch (Exception error)
        {
            GatewayLog.RefreshFailed(_gateway.Logger, Id, error);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private Guid[] PresenceTargets()
    {
        lock (_lock)
        {
            return _presenceTargets is null ? [] : [.. _presenceTargets];
        }
    }

    private async Task UnregisterAsync()
    {
        if (Identity is { } identity)
        {
            TakeAcks(); // the last acknowledgements still reach the conversations
            await _gateway.Actors.Account(identity.AccountId).Disconnect(identity.DeviceId, Id);
            foreach (var target in PresenceTargets())
            {
                _ = _gateway.Actors.Account(target).UnwatchPresence(Id);
            }
        }
        if (Identity is { } registered)
        {
            _gateway.LocalConnections.Remove(registered.AccountId, Id);
        }
        if (Reference is not null)
        {
            _gateway.Grains.DeleteObjectReference<IDeviceConnection>(Reference);
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

    private enum OutgoingKind
    {
        Frame,
        Bytes,
        Entry,
        AcksWaiting,
        Own,
        Start,
    }

    /// <summary>One item for the pump: a frame to write, or something for the feed.</summary>
    private readonly record struct Outgoing(OutgoingKind Kind, object? Item, ulong Seq = 0)
    {
        public static Outgoing AcksWaiting => new(OutgoingKind.AcksWaiting, null);

        public ServerFrame? Frame => Item as ServerFrame;

        public byte[]? Bytes => Item as byte[];

        public LogEntry? Entry => Item as LogEntry;

        public string? ConversationId => Item as string;

        public IReadOnlyList<SyncPosition>? Positions => Item as IReadOnlyList<SyncPosition>;

        public static Outgoing Of(ServerFrame frame) => new(OutgoingKind.Frame, frame);

        public static Outgoing Of(byte[] frame) => new(OutgoingKind.Bytes, frame);

        public static Outgoing Of(LogEntry entry) => new(OutgoingKind.Entry, entry);

        public static Outgoing Start(IReadOnlyList<SyncPosition> positions) => new(OutgoingKind.Start, positions);

        public static Outgoing Own(string conversationId, ulong seq) => new(OutgoingKind.Own, conversationId, seq);
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
