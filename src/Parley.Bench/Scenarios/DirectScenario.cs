using System.Collections;
using System.Diagnostics;
using Google.Protobuf;
using Parley.Bench.Load;
using Parley.Bench.Results;
using Parley.Protocol;

namespace Parley.Bench.Scenarios;

/// <summary>
/// P pairs exchanging 1:1 messages (80-byte bodies) at a fixed total offered rate, open loop.
/// Latency runs from each message's scheduled send time to its arrival at the recipient.
/// </summary>
public sealed class DirectScenario(int pairs, IReadOnlyList<double> rates, TimeSpan duration, TimeSpan warmup)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<RunResult>> RunAsync(BenchContext context)
    {
        var credentials = await ConnectionsScenario.RegisterAsync(context, pairs * 2);
        Run? current = null;
        var connecting = context.Phase($"connecting {pairs * 2:#,0} devices", pairs * 2);
        await using var fleet = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials, connecting,
            client => client.OnEntries = (receiver, entries) => current?.OnEntries(receiver, entries));
        var conversations = await context.PhaseAsync("opening the conversations", _ => OpenConversationsAsync(fleet));

        if (warmup > TimeSpan.Zero)
        {
            // The node's JIT settles (tiered compilation, dynamic PGO) under the same load; not measured.
            current = new Run(fleet, conversations, rates[0], warmup, label: "warm-up");
            await current.ExecuteAsync(context);
        }
        var results = new List<RunResult>();
        foreach (var rate in rates)
        {
            current = new Run(fleet, conversations, rate, duration);
            var result = await current.ExecuteAsync(context);
            results.Add(result);
            if (rates.Count > 1 && ((double?)result["p99_ms"] > 1000 || (long?)result["lost"] > 0 || (long?)result["refused"] > 0))
            {
                break; // the rising series stops where the node stops keeping up
            }
        }
        return results;
    }

    /// <summary>Each pair's first message creates its conversation; wait until the recipients have it.</summary>
    private async Task<string[]> OpenConversationsAsync(Fleet fleet)
    {
        var conversations = new string[pairs];
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (pair, _) =>
        {
            var (a, b) = (fleet[2 * pair], fleet[2 * pair + 1]);
            var response = await a.SendMessageAsync(null, b.Credentials.AccountId, ByteString.CopyFromUtf8("hello"), BenchPayload.NewClientMessageId());
            conversations[pair] = response.Send?.ConversationId ?? throw new InvalidOperationException($"opening a conversation failed: {response.Error}");
        });
        return conversations;
    }

    private sealed class Run(Fleet fleet, string[] conversations, double rate, TimeSpan duration, string label = "")
    {
        private readonly MessageLedger _ledger = new((long)(rate * duration.TotalSeconds), recipientsPerMessage: 1);
        private readonly Latencies _latency = new();
        private readonly Latencies _ackLatency = new();
        private readonly BitArray _seen = new((int)(rate * duration.TotalSeconds));
        private readonly Lock _seenLock = new();
        private readonly int _run = BenchPayload.NewRun();
        private long _lastDeliveryTicks;

        public void OnEntries(BenchClient receiver, Entries entries)
        {
            foreach (var entry in entries.Entries_)
            {
                if (entry.SenderAccountId == receiver.Credentials.AccountId || !BenchPayload.TryRead(entry.Payload, _run, out var number, out var scheduled) || number >= _ledger.Messages)
                {
                    continue; // its own message coming back, or not this run's
                }
                bool first;
                lock (_seenLock)
                {
                    first = !_seen[(int)number];
                    _seen[(int)number] = true;
                }
                if (!first)
                {
                    _ledger.Duplicate();
                    continue;
                }
                _latency.RecordSince(scheduled);
                _ledger.Deliver(number);
                Volatile.Write(ref _lastDeliveryTicks, Stopwatch.GetTimestamp());
            }
        }

        public async Task<RunResult> ExecuteAsync(BenchContext context)
        {
            var server = context.Node.Meter?.StartInterval();
            var loadgen = context.LoadGenerator.StartInterval();
            var started = Stopwatch.GetTimestamp();
            var sending = context.Phase($"{label}{(label.Length > 0 ? ": " : "")}{rate:#,0} msgs/s for {duration.TotalSeconds:0} s", _ledger.Messages);
            await OpenLoop.RunAsync(rate, duration, (number, scheduled) =>
            {
                _ = SendAsync(number, scheduled);
                sending.Value = number + 1;
            }, context.CancellationToken);
            var serverCpu = server?.Percent();
            var loadgenCpu = loadgen.Percent();

            var draining = context.Phase("waiting for every acknowledged message to arrive", 1);
            var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            while ((_ledger.InFlight > 0 || !_ledger.AllDelivered()) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(20);
            }
            draining.Value = 1;
            var deliveredSeconds = Math.Max(Stopwatch.GetElapsedTime(started, Volatile.Read(ref _lastDeliveryTicks)).TotalSeconds, 1e-9);
            return new RunResult("direct")
                .Add("pairs", conversations.Length)
                .Add("duration_s", duration.TotalSeconds)
                .Add("offered_per_sec", rate)
                .Add("sent", _ledger.Messages)
                .Add("acked", _ledger.Acked)
                .Add("refused", _ledger.Refused)
                .Add("delivered_per_sec", _ledger.Deliveries / deliveredSeconds)
                .Add("p50_ms", _latency.Milliseconds(50))
                .Add("p95_ms", _latency.Milliseconds(95))
                .Add("p99_ms", _latency.Milliseconds(99))
                .Add("p999_ms", _latency.Milliseconds(99.9))
                .Add("max_ms", _latency.Milliseconds(100))
                .Add("ack_p50_ms", _ackLatency.Milliseconds(50))
                .Add("ack_p99_ms", _ackLatency.Milliseconds(99))
                .Add("lost", _ledger.Lost())
                .Add("duplicated", _ledger.Duplicates)
                .Add("server_cpu_pct", serverCpu)
                .Add("loadgen_cpu_pct", loadgenCpu);
        }

        private async Task SendAsync(long number, long scheduled)
        {
            var pair = (int)(number % conversations.Length);
            var forward = number / conversations.Length % 2 == 0;
            var sender = fleet[2 * pair + (forward ? 0 : 1)];
            var payload = BenchPayload.Create(_run, number, scheduled);
            if (await _ledger.SendAsync(number, () => sender.SendMessageAsync(conversations[pair], null, payload, BenchPayload.NewClientMessageId())))
            {
                _ackLatency.RecordSince(scheduled);
            }
        }
    }
}
