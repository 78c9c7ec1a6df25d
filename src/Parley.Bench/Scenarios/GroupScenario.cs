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
public sealed class GroupScenario(int members, double rate, TimeSpan duration)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async Task<RunResult> RunAsync(BenchContext context)
    {
        var credentials = await ConnectionsScenario.RegisterAsync(context, members);
        var messages = (long)(rate * duration.TotalSeconds);
        var run = BenchPayload.NewRun();
        var ledger = new MessageLedger(messages, members - 1);
        var seen = Enumerable.Range(0, members).Select(_ => new BitArray((int)messages)).ToArray();
        var toLast = new Latencies();
        var toEach = new Latencies();
        var created = new CountdownEvent(members);
        long lastDelivery = 0;

        void OnEntries(BenchClient receiver, Entries entries)
        {
            foreach (var entry in entries.Entries_)
            {
                if (entry.Membership?.Kind == MembershipChange.Types.Kind.Created)
                {
                    created.Signal();
                    continue;
                }
                if (entry.SenderAccountId == receiver.Credentials.AccountId
                    || !BenchPayload.TryRead(entry.Payload, run, out var number, out var scheduled) || number >= messages)
                {
                    continue; // its own message (replayed), or not this run's
                }
                var bits = seen[receiver.Index];
                lock (bits)
                {
                    if (bits[(int)number])
                    {
                        ledger.Duplicate();
                        continue;
                    }
                    bits[(int)number] = true;
                }
                toEach.RecordSince(scheduled);
                if (ledger.Deliver(number) == members - 1)
                {
                    toLast.RecordSince(scheduled);
                }
                Volatile.Write(ref lastDelivery, Stopwatch.GetTimestamp());
            }
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

        var server = context.Node.Meter?.StartInterval();
        var loadgen = context.LoadGenerator.StartInterval();
        var started = Stopwatch.GetTimestamp();
        var inFlight = 0;
        var sending = context.Phase($"{rate:#,0} msgs/s to {members:#,0} members for {duration.TotalSeconds:0} s", messages);
        await OpenLoop.RunAsync(rate, duration, (number, scheduled) =>
        {
            var sender = fleet[(int)(number % members)];
            Interlocked.Increment(ref inFlight);
            _ = Task.Run(async () =>
            {
                try
                {
                    var response = await sender.SendMessageAsync(group, null, BenchPayload.Create(run, number, scheduled), BenchPayload.NewClientMessageId());
                    if (response.Send is not null)
                    {
                        ledger.Ack(number);
                    }
                    else
                    {
                        ledger.Refuse();
                    }
                }
                catch (Exception error) when (error is InvalidOperationException or TimeoutException or System.Net.WebSockets.WebSocketException)
                {
                    ledger.Refuse();
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            });
            sending.Value = number + 1;
        }, context.CancellationToken);
        var serverCpu = server?.Percent();
        var loadgenCpu = loadgen.Percent();

        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        await context.PhaseAsync("waiting for every member to have every message", async _ =>
        {
            while ((Volatile.Read(ref inFlight) > 0 || !ledger.AllDelivered()) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(20);
            }
            return true;
        });
        var seconds = Math.Max(Stopwatch.GetElapsedTime(started, Volatile.Read(ref lastDelivery)).TotalSeconds, 1e-9);
        return new RunResult("group")
            .Add("members", members)
            .Add("duration_s", duration.TotalSeconds)
            .Add("offered_per_sec", rate)
            .Add("sent", messages)
            .Add("acked", ledger.Acked)
            .Add("refused", ledger.Refused)
            .Add("deliveries_per_sec", ledger.Deliveries / seconds)
            .Add("p50_ms", toLast.Milliseconds(50))
            .Add("p99_ms", toLast.Milliseconds(99))
            .Add("p999_ms", toLast.Milliseconds(99.9))
            .Add("each_p50_ms", toEach.Milliseconds(50))
            .Add("each_p99_ms", toEach.Milliseconds(99))
            .Add("lost", ledger.Lost())
            .Add("duplicated", ledger.Duplicates)
            .Add("server_cpu_pct", serverCpu)
            .Add("loadgen_cpu_pct", loadgenCpu);
    }
}
