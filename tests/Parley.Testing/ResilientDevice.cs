using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Testing;

/// <summary>
/// A device that behaves like a real client across outages: it reconnects until the node is back,
/// resumes from its own cursors, acknowledges what it stores, and keeps every entry it received
/// (duplicates included, so a test can check what dedup by (conversation, seq) leaves).
/// </summary>
public sealed class ResilientDevice : IAsyncDisposable
{
    private readonly NodeEndpoint _node;
    private readonly TestCredentials _credentials;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Lock _lock = new();
    private readonly List<Entry> _received = [];
    private readonly Dictionary<string, ulong> _cursors = [];

    public ResilientDevice(NodeEndpoint node, TestCredentials credentials)
    {
        _node = node;
        _credentials = credentials;
        _running = Task.Run(RunAsync);
    }

    public List<Entry> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    public ulong CursorOf(string conversationId)
    {
        lock (_lock)
        {
            return _cursors.GetValueOrDefault(conversationId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                List<Cursor> cursors;
                lock (_lock)
                {
                    cursors = _cursors.Select(c => new Cursor { ConversationId = c.Key, Seq = c.Value }).ToList();
                }
                await using var client = await WireClient.ConnectDeviceAsync(_node, _credentials, cursors, awaitCaughtUp: false);
                while (!_stop.IsCancellationRequested)
                {
                    ServerFrame frame;
                    try
                    {
                        frame = await client.ReceiveAsync(TimeSpan.FromMilliseconds(200));
                    }
                    catch (TimeoutException)
                    {
                        continue;
                    }
                    if (frame.Push?.Entries is not { } entries)
                    {
                        continue;
                    }
                    lock (_lock)
                    {
                        foreach (var entry in entries.Entries_)
                        {
                            _received.Add(entry);
                            _cursors[entry.ConversationId] = Math.Max(_cursors.GetValueOrDefault(entry.ConversationId), entry.Seq);
                        }
                    }
                    await client.AckAsync(entries.Entries_);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                // The node is down or the connection broke: try again shortly.
                await Task.Delay(100);
            }
        }
    }
}

/// <summary>
/// A sender with an outbox, as a real client has: each message keeps its client message id until
/// the node acknowledges it, and is retried (marked as a retry) across reconnects.
/// </summary>
public sealed class ResilientSender(NodeEndpoint node, TestCredentials credentials, string conversationId, string prefix) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(string Text, ulong Seq)> _acknowledged = [];
    private Task? _running;

    /// <summary>Messages the node acknowledged as stored, with their seqs.</summary>
    public List<(string Text, ulong Seq)> Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return [.. _acknowledged];
            }
        }
    }

    public void Start() => _running = Task.Run(RunAsync);

    /// <summary>Stops after the message in flight is acknowledged (or after the deadline).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested && _running is not null)
        {
            await StopAsync();
        }
    }

    private async Task RunAsync()
    {
        var next = 0;
        byte[]? pendingId = null;
        var attempt = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((!_stop.IsCancellationRequested || pendingId is not null) && DateTime.UtcNow < deadline)
        {
            try
            {
                await using var client = await WireClient.ConnectDeviceAsync(node, credentials, awaitCaughtUp: false);
                while ((!_stop.IsCancellationRequested || pendingId is not null) && DateTime.UtcNow < deadline)
                {
                    pendingId ??= Guid.NewGuid().ToByteArray();
                    var text = $"{prefix}{next}";
                    var response = await client.SendMessageAsync(conversationId: conversationId, text: text, clientMessageId: pendingId, retry: attempt++ > 0);
                    if (response.Send is null)
                    {
                        throw new InvalidOperationException($"send refused: {response.Error}");
                    }
                    lock (_lock)
                    {
                        _acknowledged.Add((text, response.Send.Seq));
                    }
                    next++;
                    pendingId = null;
                    attempt = 0;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
    }
}
