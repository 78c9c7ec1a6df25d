using System.Collections;
using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Parley.Bench.Load;
using Parley.Bench.Results;
using Parley.Protocol;
using Polly;
using Polly.Retry;

namespace Parley.Bench.Scenarios;

/// <summary>
/// N devices in pairs with traffic flowing; the node is killed (SIGKILL) and restarted on the same
/// data. Every device reconnects with backoff and jitter and resumes from its cursors; senders retry
/// what was not acknowledged. Measures the time until every device is resynced, and what was lost or
/// stored twice.
/// </summary>
public sealed class ReconnectStormScenario(int devices, double rate, TimeSpan before, TimeSpan after)
{
    public async Task<RunResult> RunAsync(BenchContext context)
    {
        if (!context.Node.IsOwned)
        {
            throw new InvalidOperationException("reconnect-storm kills and restarts the node, so it needs a node it started itself (no --server).");
        }
        var pairs = devices / 2;
        var credentials = await ConnectionsScenario.RegisterAsync(context, pairs * 2);
        var run = BenchPayload.NewRun();
        var total = (long)(rate * (before + after).TotalSeconds);
        var state = new StormState(total, run);
        var fleet = credentials.Select((c, i) => new StormDevice(context.Node.WebSocketAddress, c, i, state)).ToArray();

        var connecting = context.Phase($"connecting {fleet.Length:#,0} devices", fleet.Length);
        foreach (var device in fleet)
        {
            device.Start();
        }
        await WaitAsync(() => fleet.Count(d => d.Connected) is var n && (connecting.Value = n) == fleet.Length, TimeSpan.FromMinutes(2));
        var conversations = await context.PhaseAsync("opening the conversations", async _ =>
        {
            var ids = new string[pairs];
            await Parallel.ForEachAsync(Enumerable.Range(0, pairs), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (pair, _) =>
                ids[pair] = await fleet[2 * pair].OpenConversationAsync(fleet[2 * pair + 1].AccountId));
            return ids;
        });

        var traffic = context.Phase($"{rate:#,0} msgs/s across {pairs:#,0} pairs", total);
        var sending = OpenLoop.RunAsync(rate, before + after, (number, scheduled) =>
        {
            var pair = (int)(number % pairs);
            var forward = number / pairs % 2 == 0;
            fleet[2 * pair + (forward ? 0 : 1)].Enqueue(conversations[pair], number, scheduled);
            traffic.Value = number + 1;
        }, context.CancellationToken);

        await Task.Delay(before);
        var killedAt = Stopwatch.GetTimestamp();
        await context.PhaseAsync("killing the node (SIGKILL) and starting it again", async _ =>
        {
            await context.Node.KillAsync();
            await context.Node.RestartAsync();
            return true;
        });
        var readyAt = Stopwatch.GetTimestamp();
        var resyncing = context.Phase("waiting for every device to reconnect and resync", fleet.Length);
        await WaitAsync(() => fleet.Count(d => d.ResyncedAfter(killedAt)) is var n && (resyncing.Value = n) == fleet.Length, TimeSpan.FromMinutes(5));
        var resynced = fleet.Max(d => d.ResyncedAt);

        await sending;
        await context.PhaseAsync("waiting for every acknowledged message to arrive", async _ =>
        {
            await WaitAsync(() => fleet.All(d => d.OutboxEmpty) && state.Ledger.AllDelivered(), TimeSpan.FromSeconds(60));
            return true;
        });
        foreach (var device in fleet)
        {
            await device.DisposeAsync();
        }

        return new RunResult("reconnect-storm")
            .Add("devices", fleet.Length)
            .Add("offered_per_sec", rate)
            .Add("restart_ms", Stopwatch.GetElapsedTime(killedAt, readyAt).TotalMilliseconds)
            .Add("resync_ms", Stopwatch.GetElapsedTime(readyAt, resynced).TotalMilliseconds)
            .Add("sent", total)
            .Add("acked", state.Ledger.Acked)
            .Add("lost", state.Ledger.Lost())
            .Add("duplicated", state.Ledger.Duplicates)
            .Add("redelivered", Interlocked.Read(ref state.Redelivered));
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the devices did not get there in time");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>What all devices of a storm share: the ledger of messages and who has seen which.</summary>
    private sealed class StormState(long messages, int run)
    {
        private readonly BitArray _delivered = new((int)messages);

        public long Redelivered;

        public MessageLedger Ledger { get; } = new(messages, recipientsPerMessage: 1);

        public int Run { get; } = run;

        /// <summary>Counts a message's arrival at its recipient: a second arrival is a message stored twice.</summary>
        public void Delivered(long number)
        {
            lock (_delivered)
            {
                if (_delivered[(int)number])
                {
                    Ledger.Duplicate();
                    return;
                }
                _delivered[(int)number] = true;
            }
            Ledger.Deliver(number);
        }
    }

    /// <summary>
    /// A device as a real client behaves through an outage: reconnects with exponential backoff and
    /// jitter, resumes from its own cursors, and resends its unacknowledged messages (marked as retries).
    /// </summary>
    private sealed class StormDevice(Uri address, BenchCredentials credentials, int index, StormState state) : IAsyncDisposable
    {
        private static readonly ResiliencePipeline Reconnect = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(2),
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            })
            .Build();

        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<(string Conversation, long Number, long Scheduled)> _outbox = Channel.CreateUnbounded<(string, long, long)>();
        private readonly Dictionary<string, ulong> _cursors = [];
        private readonly HashSet<(string, ulong)> _seen = [];
        private volatile BenchClient? _client;
        private Task? _connecting;
        private Task? _sending;
        private long _pending;
        private long _resyncedAt;

        public string AccountId => credentials.AccountId;

        public bool Connected => _client is { IsOpen: true };

        public bool OutboxEmpty => Interlocked.Read(ref _pending) == 0;

        public long ResyncedAt => Volatile.Read(ref _resyncedAt);

        public bool ResyncedAfter(long timestamp) => ResyncedAt > timestamp;

        public void Start()
        {
            _connecting = Task.Run(ConnectLoopAsync);
            _sending = Task.Run(SendLoopAsync);
        }

        public async Task<string> OpenConversationAsync(string peer)
        {
            var response = await _client!.SendMessageAsync(null, peer, ByteString.CopyFromUtf8("hello"), BenchPayload.NewClientMessageId());
            return response.Send?.ConversationId ?? throw new InvalidOperationException($"opening a conversation failed: {response.Error}");
        }

        public void Enqueue(string conversation, long number, long scheduled)
        {
            Interlocked.Increment(ref _pending);
            _outbox.Writer.TryWrite((conversation, number, scheduled));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _outbox.Writer.TryComplete();
            if (_client is { } client)
            {
                await client.DisposeAsync();
            }
            await Task.WhenAll(_connecting ?? Task.CompletedTask, _sending ?? Task.CompletedTask);
        }

        private async Task ConnectLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = await Reconnect.ExecuteAsync(async ct =>
                    {
                        var fresh = new BenchClient(credentials, index) { OnEntries = OnEntries };
                        List<Cursor> cursors;
                        lock (_cursors)
                        {
                            cursors = _cursors.Select(c => new Cursor { ConversationId = c.Key, Seq = c.Value }).ToList();
                        }
                        try
                        {
                            await fresh.ConnectAsync(address, cursors, ct);
                            return fresh;
                        }
                        catch
                        {
                            await fresh.DisposeAsync();
                            throw;
                        }
                    }, _stop.Token);
                    _client = client;
                    await client.CaughtUp.WaitAsync(_stop.Token).ContinueWith(t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            Volatile.Write(ref _resyncedAt, Stopwatch.GetTimestamp());
                        }
                    }, TaskScheduler.Default);
                    await client.Closed.WaitAsync(_stop.Token);
                    await client.DisposeAsync();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        private async Task SendLoopAsync()
        {
            await foreach (var (conversation, number, scheduled) in _outbox.Reader.ReadAllAsync())
            {
                var id = BenchPayload.NewClientMessageId();
                var payload = BenchPayload.Create(state.Run, number, scheduled);
                for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
                {
                    try
                    {
                        var client = _client ?? throw new InvalidOperationException("not connected");
                        var response = await client.SendMessageAsync(conversation, null, payload, id, retry: attempt > 0);
                        if (response.Send is not null)
                        {
                            state.Ledger.Ack(number);
                            break;
                        }
                        if (response.Error.Code is not (ErrorCode.Unavailable or ErrorCode.Internal))
                        {
                            state.Ledger.Refuse();
                            break;
                        }
                    }
                    catch (Exception error) when (error is InvalidOperationException or TimeoutException or System.Net.WebSockets.WebSocketException)
                    {
                        // The connection is down: wait for the reconnect, then resend the same message.
                    }
                    await Task.Delay(50);
                }
                Interlocked.Decrement(ref _pending);
            }
        }

        private void OnEntries(BenchClient client, Entries entries)
        {
            foreach (var entry in entries.Entries_)
            {
                lock (_cursors)
                {
                    _cursors[entry.ConversationId] = Math.Max(_cursors.GetValueOrDefault(entry.ConversationId), entry.Seq);
                    if (!_seen.Add((entry.ConversationId, entry.Seq)))
                    {
                        Interlocked.Increment(ref state.Redelivered);
                        continue;
                    }
                }
                if (entry.SenderAccountId != credentials.AccountId && BenchPayload.TryRead(entry.Payload, state.Run, out var number, out _))
                {
                    state.Delivered(number);
                }
            }
        }
    }
}
