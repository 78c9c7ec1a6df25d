using Google.Protobuf;
using Parley.Client.Connections;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyClient
{
    private volatile ConnectionSession? _session;

    /// <summary>Keeps the device connected: connect, run until the connection ends, wait (backoff with jitter), again.</summary>
    private async Task SuperviseAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            SetStatus(new ConnectionStatus(ConnectionState.Connecting, attempt, LastDisconnect: Status.LastDisconnect));
            ClientLog.Connecting(_options.Logger, Endpoint, attempt);
            Disconnect disconnect;
            var caughtUp = false;
            try
            {
                await using var connection = await Connection.OpenAsync(_options.Transport, Endpoint, await HelloAsync(), _options.ConnectTimeout, _stop.Token);
                (disconnect, caughtUp) = await RunConnectionAsync(connection);
            }
            catch (ConnectionRefusedException refused)
            {
                disconnect = refused.Disconnect;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error) when (error is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException or InvalidOperationException)
            {
                disconnect = Disconnect.Lost($"cannot reach the node at {Identity.Server}: {Innermost(error).Message}");
            }
            if (_stop.IsCancellationRequested)
            {
                break;
            }
            if (!disconnect.ShouldReconnect)
            {
                ClientLog.Refused(_options.Logger, disconnect);
                Refuse(disconnect);
                return;
            }
            attempt = caughtUp ? 0 : attempt + 1;
            var delay = _backoff.Delay(Math.Max(0, attempt - 1));
            ClientLog.Disconnected(_options.Logger, disconnect, delay);
            SetStatus(new ConnectionStatus(ConnectionState.WaitingToReconnect, attempt, delay, disconnect));
            await WaitBeforeReconnectingAsync(delay);
        }
    }

    /// <summary>Runs one welcomed connection until it ends: heartbeat, outbox, refresh, pushes.</summary>
    private async Task<(Disconnect Disconnect, bool CaughtUp)> RunConnectionAsync(Connection connection)
    {
        ClientLog.Connected(_options.Logger, connection.Welcome.AccountId, connection.Welcome.DeviceId, connection.Welcome.ConnectionId);
        Welcome = connection.Welcome;
        var session = new ConnectionSession(connection);
        _session = session;
        lock (_stateLock)
        {
            if (_synced.Task.IsCompleted)
            {
                _synced = NewSignal();
            }
            _connected.TrySetResult(connection);
        }
        SetStatus(new ConnectionStatus(ConnectionState.Syncing));
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(connection.Closed, _stop.Token);
        var heartbeat = KeepAliveAsync(connection, ending.Token);
        var sending = SendOutboxAsync(connection, ending.Token);
        var refreshing = RefreshAfterConnectAsync(session, ending.Token);
        var disconnect = await connection.RunAsync(push => OnPushAsync(session, push));
        await ending.CancelAsync();
        lock (_stateLock)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal<Connection>();
            }
        }
        await Task.WhenAll(heartbeat, sending, refreshing);
        // Whatever the mailbox still holds for this connection runs before the next one starts.
        await RunAsync(() => Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Welcome = null;
        _session = null;
        return (disconnect, session.CaughtUp);
    }

    private async Task<Hello> HelloAsync()
    {
        var hello = new Hello
        {
            ProtocolVersion = WireProtocol.Version,
            ClientName = _options.ClientName,
            Credentials = new DeviceCredentials
            {
                AccountId = Identity.AccountId,
                DeviceId = Identity.DeviceId,
                Token = ByteString.CopyFrom(Identity.Token),
            },
        };
        foreach (var (conversation, seq) in await _inbox.CursorsAsync(_stop.Token))
        {
            if (seq > 0)
            {
                hello.Cursors.Add(new Cursor { ConversationId = conversation, Seq = seq });
            }
        }
        return hello;
    }

    /// <summary>Pings at the adaptive interval; two missed pongs in a row drop the connection (the supervisor reconnects).</summary>
    private async Task KeepAliveAsync(Connection connection, CancellationToken cancellationToken)
    {
        var heartbeat = new Heartbeat(connection.Welcome.Heartbeat ?? new HeartbeatPolicy { MinIntervalMs = 5_000, MaxIntervalMs = 60_000 });
        _heartbeat = heartbeat;
        ulong nonce = 0;
        while (true)
        {
            await Task.Delay(heartbeat.Interval, _options.Time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            var wait = heartbeat.PongWait;
            var roundTrip = await connection.PingAsync(++nonce, wait, _options.Time, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            if (roundTrip is { } measured)
            {
                heartbeat.Answered(measured);
            }
            else if (heartbeat.Missed())
            {
                ClientLog.HeartbeatLost(_options.Logger, wait);
                connection.Abort();
                return;
            }
        }
    }

    private async Task WaitBeforeReconnectingAsync(TimeSpan delay)
    {
        Task now;
        lock (_stateLock)
        {
            if (_reconnectNow.Task.IsCompleted)
            {
                _reconnectNow = NewSignal();
            }
            now = _reconnectNow.Task;
        }
        // WhenAny never throws: a stop cancels the delay and the loop ends.
        await Task.WhenAny(Task.Delay(delay, _options.Time, _stop.Token), now);
    }

    private void Refuse(Disconnect disconnect)
    {
        var error = new ParleyException(disconnect.Code ?? ErrorCode.Unavailable, $"the node refused this device: {disconnect}");
        lock (_stateLock)
        {
            _connected.TrySetException(error);
            _synced.TrySetException(error);
        }
        SetStatus(new ConnectionStatus(ConnectionState.Refused, LastDisconnect: disconnect));
    }

    /// <summary>The connection that requests go over, waiting for one up to <paramref name="cancellationToken"/>.</summary>
    private async Task<Connection> ConnectionAsync(CancellationToken cancellationToken)
    {
        Task<Connection> connected;
        lock (_stateLock)
        {
            connected = _connected.Task;
        }
        try
        {
            return await connected.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            var why = Status.LastDisconnect is { } last ? $": {last}" : "";
            throw new ParleyException(ErrorCode.Unavailable, $"not connected to the node at {Identity.Server}{why}");
        }
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner)
        {
            error = inner;
        }
        return error;
    }

    /// <summary>What the client knows about one connection while it lives.</summary>
    private sealed class ConnectionSession(Connection connection)
    {
        public Connection Connection { get; } = connection;

        /// <summary>The node has sent everything that was waiting (its sync-state push).</summary>
        public bool CaughtUp { get; set; }

        /// <summary>The conversation list and receipts have been refreshed on this connection.</summary>
        public bool Refreshed { get; set; }

        /// <summary>Accounts whose presence this connection follows.</summary>
        public HashSet<string> FollowedPresence { get; } = new(StringComparer.Ordinal);
    }
}
