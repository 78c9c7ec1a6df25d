using System.Collections;
using System.Diagnostics;
using Parley.Bench.Load;
using Parley.Bench.Results;
using Parley.Protocol;

namespace Parley.Bench.Scenarios;

/// <summary>
/// Fan-out: one group of M members, all online, with members taking turns sending at a fixed total
/// rate. Every message reaches the other M - 1 devices (a sending device is not sent its own message
/// back); the latency that counts is the one to the last of them.
/// </summary>
public sealed class GroupScenario(int members, double rate, TimeSpan duration, TimeSpan warmup)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async Task<RunResult> RunAsync(BenchContext context)
    {
        var credentials = await ConnectionsScenario.RegisterAsync(context, members);
        var created = new CountdownEvent(members);
        Run? current = null;

        void OnEntries(BenchClient receiver, Entries entries)
        {
            foreach (var entry in entries.Entries_)
            {
                if (entry.Membership?.Kind == MembershipChange.Types.Kind.Created)
                {
                    created.Signal();
                }
            }
            current?.OnEntries(receiver, entries);
        }

        var connecting = context.Phase($"connecting {members:#,0} members", members);
        await using var fleet = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials, connecting, client => client.OnEntries = OnEntries);
        var group = await context.PhaseAsync($"creating a group of {members:#,0}", async _ =>
        {
            var create = new CreateGroup { Name = "bench" };
            create.MemberAccountIds.AddRange(fleet.Clients.Skip(1).Select(c => c.Credentials.AccountId));
            var response = await fleet[0].RequestAsync(new Request { CreateGroup = create });
            return response.Conversation?.Id ?? throw new InvalidOperationException($"creating the group failed: {response.Error}");
        });
        // Every member (fresh accounts, in no other group) must have the group's first entry before the clock starts.
        if (!created.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"{created.CurrentCount} members never received the group's creation");
        }

        if (warmup > TimeSpan.Zero)
        {
            // The node's JIT settles (tiered compilation, dynamic PGO) under the same load; not measured.
            current = new Run(fleet, group, rate, warmup, label: "warm-up");
            await current.ExecuteAsync(context);
        }
        current = new Run(fleet, group, rate, duration);
        return await current.ExecuteAsync(context);
    }

    private sealed class Run(Fleet fleet, string group, double rate, TimeSpan duration, string label = "")
    {
        private readonly int _members = fleet.Clients.Count;
        private readonly MessageLedger _ledger = new((long)(rate * duration.TotalSeconds), fleet.Clients.Count - 1);
        private readonly BitArray[] _seen = [.. fleet.Clients.Select(_ => new BitArray((int)(rate * duration.TotalSeconds)))];
        private readonly Latencies _toLast = new();
        private readonly Latencies _toEach = new();
        private readonly int _run = BenchPayload.NewRun();
        private long _lastDelivery;

        public void OnEntries(BenchClient receiver, Entries entries)
        {
            foreach (var entry in entries.Entries_)
            {
                if (entry.SenderAccountId == receiver.Credentials.AccountId
                    || !BenchPayload.TryRead(entry.Payload, _run, out var number, out var scheduled) || number >= _ledger.Messages)
                {
                    continue; // its own message (replayed), the group's creation, or not this run's
                }
                var bits = _seen[receiver.Index];
                lock (bits)
                {
                    if (bits[(int)number])
                    {
                        _ledger.Duplicate();
                        continue;
                    }
                    bits[(int)number] = true;
                }
                _toEach.RecordSince(scheduled);
                if (_ledger.Deliver(number) == _members - 1)
                {
                    _toLast.RecordSince(scheduled);
                }
                Volatile.Write(ref _lastDelivery, Stopwatch.GetTimestamp());
            }
        }

        public async Task<RunResult> ExecuteAsync(BenchContext context)
        {
            var server = context.Node.Meter?.StartInterval();
            var loadgen = context.LoadGenerator.StartInterval();
            var started = Stopwatch.GetTimestamp();
            var sending = context.Phase($"{label}{(label.Length > 0 ? ": " : "")}{rate:#,0} msgs/s to {_members:#,0} members for {duration.TotalSeconds:0} s", _ledger.Messages);
            await OpenLoop.RunAsync(rate, duration, (number, scheduled) =>
            {
                _ = SendAsync(number, scheduled);
                sending.Value = number + 1;
            }, context.CancellationToken);
            var serverCpu = server?.Percent();
            var loadgenCpu = loadgen.Percent();

            var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
            await context.PhaseAsync("waiting for every member to have every message", async _ =>
            {
                while ((_ledger.InFlight > 0 || !_ledger.AllDelivered()) && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(20);
                }
                return true;
            });
            var seconds = Math.Max(Stopwatch.GetElapsedTime(started, Volatile.Read(ref _lastDelivery)).TotalSeconds, 1e-9);
            return new RunResult("group")
                .Add("members", _members)
                .Add("duration_s", duration.TotalSeconds)
                .Add("offered_per_sec", rate)
                .Add("sent", _ledger.Messages)
                .Add("acked", _ledger.Acked)
                .Add("refused", _ledger.Refused)
                .Add("deliveries_per_sec", _ledger.Deliveries / seconds)
                .Add("p50_ms", _toLast.Milliseconds(50))
                .Add("p99_ms", _toLast.Milliseconds(99))
                .Add("p999_ms", _toLast.Milliseconds(99.9))
                .Add("each_p50_ms", _toEach.Milliseconds(50))
                .Add("each_p99_ms", _toEach.Milliseconds(99))
                .Add("lost", _ledger.Lost())
                .Add("duplicated", _ledger.Duplicates)
                .Add("server_cpu_pct", serverCpu)
                .Add("loadgen_cpu_pct", loadgenCpu);
        }

        private Task SendAsync(long number, long scheduled)
        {
            var sender = fleet[(int)(number % _members)];
            var payload = BenchPayload.Create(_run, number, scheduled);
            return _ledger.SendAsync(number, () => sender.SendMessageAsync(group, null, payload, BenchPayload.NewClientMessageId()));
        }
    }
}
