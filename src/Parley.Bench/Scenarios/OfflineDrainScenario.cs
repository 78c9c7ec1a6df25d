using System.Diagnostics;
using Google.Protobuf;
using Parley.Bench.Load;
using Parley.Bench.Results;
using Parley.Protocol;

namespace Parley.Bench.Scenarios;

/// <summary>A device reconnects to N entries waiting for it: the time from connect to fully synced.</summary>
public sealed class OfflineDrainScenario(int backlog)
{
    public async Task<RunResult> RunAsync(BenchContext context)
    {
        var credentials = await ConnectionsScenario.RegisterAsync(context, 2);
        await using var sender = new BenchClient(credentials[0], 0);
        await sender.ConnectAsync(context.Node.WebSocketAddress);

        var filling = context.Phase($"queueing {backlog:#,0} entries for an offline device", backlog);
        var conversation = (await sender.SendMessageAsync(null, credentials[1].AccountId, ByteString.CopyFromUtf8("0"), BenchPayload.NewClientMessageId())).Send.ConversationId;
        filling.Increment(1);
        using (var window = new SemaphoreSlim(64))
        {
            var sends = new List<Task>();
            for (var i = 1; i < backlog; i++)
            {
                await window.WaitAsync();
                var text = ByteString.CopyFromUtf8(i.ToString());
                sends.Add(Task.Run(async () =>
                {
                    try
                    {
                        var id = BenchPayload.NewClientMessageId();
                        var response = await sender.SendMessageAsync(conversation, null, text, id);
                        // A node with a per-account rate limit says when to come back: do as told.
                        while (response.Error?.Code == ErrorCode.RateLimited)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, response.Error.RetryAfterMs)));
                            response = await sender.SendMessageAsync(conversation, null, text, id, retry: true);
                        }
                        _ = response.Send ?? throw new InvalidOperationException($"a send was refused: {response.Error}");
                        filling.Increment(1);
                    }
                    finally
                    {
                        window.Release();
                    }
                }));
            }
            await Task.WhenAll(sends);
        }

        var seqs = new HashSet<ulong>();
        long received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var draining = context.Phase($"draining {backlog:#,0} entries", backlog);
        await using var device = new BenchClient(credentials[1], 1)
        {
            OnEntries = (_, entries) =>
            {
                foreach (var entry in entries.Entries_)
                {
                    received++;
                    seqs.Add(entry.Seq);
                }
                draining.Value = seqs.Count;
                if (seqs.Count >= backlog)
                {
                    all.TrySetResult();
                }
            },
        };
        var server = context.Node.Meter?.StartInterval();
        var started = Stopwatch.GetTimestamp();
        await device.ConnectAsync(context.Node.WebSocketAddress);
        await Task.WhenAll(all.Task, device.CaughtUp).WaitAsync(TimeSpan.FromMinutes(2));
        var drain = Stopwatch.GetElapsedTime(started);

        return new RunResult("offline-drain")
            .Add("backlog", backlog)
            .Add("drain_ms", drain.TotalMilliseconds)
            .Add("entries_per_sec", backlog / drain.TotalSeconds)
            .Add("lost", backlog - seqs.Count(s => s >= 1 && s <= (ulong)backlog))
            .Add("duplicated", received - seqs.Count)
            .Add("server_cpu_pct", server?.Percent());
    }
}
