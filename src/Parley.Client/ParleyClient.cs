using System.Threading.Channels;
using Parley.Client.Connections;
using Parley.Client.Ephemeral;
using Parley.Client.Messaging;
using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>
/// A device's client: it keeps the device connected to its node (reconnecting with backoff and
/// resuming by cursor), takes in what the node pushes into the local store exactly once, sends the
/// outbox until every message is acknowledged, tracks receipts, typing and presence, and tells the
/// app through events. Every server operation is an async method.
/// </summary>
/// <remarks>
/// <para>Inside, one loop (the mailbox) applies every change to the local state in order — entries,
/// receipts, answers to sends — so the store is written by one logical thread. The connection's
/// receive loop only hands frames over, and events are raised from a third loop, one at a time, so
/// a slow handler never holds up the connection. Handlers must not block; they may call the client.</para>
/// <para>Free of APIs browser WebAssembly lacks: it runs in a browser as it runs in a terminal.</para>
/// </remarks>
public sealed partial class ParleyClient : IAsyncDisposable
{
    private readonly ILocalStore _store;
    private readonly ParleyClientOptions _options;
    private readonly Inbox _inbox;
    private readonly Outbox _outbox = new();
    private readonly PresenceBook _presence = new();
    private readonly TypingBoard _typing = new();
    private readonly TypingThrottle _typingThrottle;
    private readonly Backoff _backoff;
    private readonly Channel<Func<Task>> _mailbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _outboxWake = new(0);
    private readonly Lock _stateLock = new();
    private TaskCompletionSource<Connection> _connected = NewSignal<Connection>();
    private TaskCompletionSource _synced = NewSignal();
    private TaskCompletionSource _reconnectNow = NewSignal();
    private ConnectionStatus _status = new(ConnectionState.Offline);
    private Task _supervising = Task.CompletedTask;
    private Task _processing = Task.CompletedTask;
    private Task _dispatching = Task.CompletedTask;
    private Heartbeat? _heartbeat;
    private int _started;

    public ParleyClient(DeviceIdentity identity, ILocalStore store, ParleyClientOptions? options = null)
    {
        _options = options ?? new ParleyClientOptions();
        _options.Validate();
        Identity = identity;
        _store = store;
        _inbox = new Inbox(store, _options.Sealer);
        _typingThrottle = new TypingThrottle(_options.TypingRefresh);
        _backoff = new Backoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay, _options.Random);
    }

    /// <summary>Opens the client of the device whose identity <paramref name="store"/> holds.</summary>
    public static async Task<ParleyClient> OpenAsync(ILocalStore store, ParleyClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var identity = await store.GetIdentityAsync(cancellationToken)
            ?? throw new InvalidOperationException("this store holds no device yet: register or link one first");
        return new ParleyClient(identity, store, options);
    }

    /// <summary>The device: its account, device id and node.</summary>
    public DeviceIdentity Identity { get; private set; }

    /// <summary>The device's account id.</summary>
    public string AccountId => Identity.AccountId;

    public ConnectionStatus Status
    {
        get
        {
            lock (_stateLock)
            {
                return _status;
            }
        }
    }

    /// <summary>The welcome of the current connection (the node's limits and heartbeat bounds), if connected.</summary>
    public Welcome? Welcome { get; private set; }

    /// <summary>The heartbeat's smoothed round trip on the current connection, once measured.</summary>
    public TimeSpan? RoundTrip => _heartbeat?.RoundTrip;

    /// <summary>The heartbeat's current ping interval.</summary>
    public TimeSpan? HeartbeatInterval => _heartbeat?.Interval;

    /// <summary>Entries delivered by the node so far (duplicates included), and the duplicates dropped.</summary>
    public (long Received, long Duplicates) Deliveries => (_inbox.Received, _inbox.Duplicates);

    /// <summary>The local store the client keeps its state in.</summary>
    public ILocalStore Store => _store;

    /// <summary>The WebSocket endpoint of the device's node.</summary>
    public Uri Endpoint => new UriBuilder(Identity.Server)
    {
        Scheme = Identity.Server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        Path = WireProtocol.WebSocketPath,
    }.Uri;

    /// <summary>Starts connecting (and keeps at it). Returns at once: wait for <see cref="WaitUntilSyncedAsync"/> or watch <see cref="ConnectionChanged"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the client has already been started");
        }
        _outbox.Restore(await _store.GetOutboxAsync(cancellationToken));
        await _inbox.CursorsAsync(cancellationToken);
        foreach (var conversation in await _store.GetConversationsAsync(cancellationToken))
        {
            _knownConversations.Add(conversation.Id);
        }
        _dispatching = Task.Run(DispatchEventsAsync, CancellationToken.None);
        _processing = Task.Run(ProcessMailboxAsync, CancellationToken.None);
        _supervising = Task.Run(SuperviseAsync, CancellationToken.None);
    }

    /// <summary>
    /// Waits until the device has caught up with the node on a connection (every entry that was waiting
    /// is stored and acknowledged) and has fresh receipts. Throws <see cref="ParleyException"/> when the
    /// node refuses the device.
    /// </summary>
    public Task WaitUntilSyncedAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateLock)
        {
            return _synced.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Skips the wait before the next reconnection attempt (a "retry now" button).</summary>
    public void ReconnectNow()
    {
        lock (_stateLock)
        {
            _reconnectNow.TrySetResult();
        }
    }

    /// <summary>Closes the connection politely and stops. Unsent messages stay in the store's outbox.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        var connection = _connected.Task.IsCompletedSuccessfully ? _connected.Task.Result : null;
        await _stop.CancelAsync();
        if (connection is not null)
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(2));
        }
        await _supervising;
        _mailbox.Writer.TryComplete();
        await _processing;
        SetStatus(new ConnectionStatus(ConnectionState.Offline));
        _events.Writer.TryComplete();
        await _dispatching;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    // ----- the mailbox: every change to local state, one at a time ------------------------------

    /// <summary>Runs <paramref name="work"/> in the mailbox and returns its result once done.</summary>
    private Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = _mailbox.Writer.TryWrite(async () =>
        {
            try
            {
                done.TrySetResult(await work());
            }
            catch (Exception error)
            {
                done.TrySetException(error);
            }
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(ParleyClient), "the client has stopped"));
        }
        return done.Task;
    }

    private Task RunAsync(Func<Task> work) => RunAsync(async () =>
    {
        await work();
        return true;
    });

    /// <summary>Runs the mailbox until it is completed. A failing item is logged; the loop never stops early.</summary>
    private async Task ProcessMailboxAsync()
    {
        await foreach (var work in _mailbox.Reader.ReadAllAsync())
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                ClientLog.WorkCancelled(_options.Logger);
            }
            catch (Exception error)
            {
                ClientLog.WorkFailed(_options.Logger, error);
            }
        }
    }

    private void SetStatus(ConnectionStatus status)
    {
        lock (_stateLock)
        {
            if (_status == status)
            {
                return;
            }
            _status = status;
        }
        Raise(ConnectionChanged, status);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
