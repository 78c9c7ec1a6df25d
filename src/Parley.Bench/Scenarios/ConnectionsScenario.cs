using Parley.Bench.Load;
using Parley.Bench.Results;

namespace Parley.Bench.Scenarios;

/// <summary>
/// N idle, authenticated connections held for a while: the node's memory per connection and how
/// fast it accepts them. Registering activates each account on the node; a node this tool started
/// is restarted before the idle measurement, so each connection pays for activating its account,
/// as a device coming back to a node that has not seen its account lately does.
/// </summary>
public sealed class ConnectionsScenario(int count, TimeSpan hold)
{
    public async Task<RunResult> RunAsync(BenchContext context)
    {
        var credentials = await RegisterAsync(context, count);
        if (context.Node.IsOwned)
        {
            await context.PhaseAsync("restarting the node, so that no account is active before the idle measurement", async _ =>
            {
                await context.Node.KillAsync();
                await context.Node.RestartAsync();
                return true;
            });
        }
        await context.HoldAsync("settling before the idle measurement", TimeSpan.FromSeconds(3));
        var idleRss = context.Node.Meter?.ResidentBytes();
        var idleAnonymous = context.Node.Meter?.AnonymousResidentBytes();

        // Connect in two halves and measure after each: the growth over the idle node divided by N
        // is the figure asked for; the growth across the second half is the marginal cost, without
        // what a node spends once however many it holds (GC budgets, caches warming).
        var half = count / 2;
        var connectingFirst = context.Phase($"connecting {half:#,0} devices", half);
        await using var first = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials[..half], connectingFirst);
        await context.HoldAsync($"holding {half:#,0} idle connections", hold / 2);
        var halfRss = context.Node.Meter?.ResidentBytes();
        var halfAnonymous = context.Node.Meter?.AnonymousResidentBytes();

        var connectingSecond = context.Phase($"connecting {count - half:#,0} more", count - half);
        await using var second = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials[half..], connectingSecond);
        await context.HoldAsync($"holding {count:#,0} idle connections", hold);
        var rss = context.Node.Meter?.ResidentBytes();
        var anonymous = context.Node.Meter?.AnonymousResidentBytes();
        var open = first.OpenCount + second.OpenCount;

        return new RunResult("connections")
            .Add("connections", open)
            .Add("accounts_active_in_baseline", !context.Node.IsOwned) // with --server, the just-registered accounts are still active
            .Add("server_idle_rss_bytes", idleRss)
            .Add("server_rss_bytes", rss)
            .Add("bytes_per_connection", PerConnection(rss, idleRss, open))
            .Add("anon_bytes_per_connection", PerConnection(anonymous, idleAnonymous, open))
            .Add("marginal_bytes_per_connection", PerConnection(rss, halfRss, second.OpenCount))
            .Add("marginal_anon_bytes_per_connection", PerConnection(anonymous, halfAnonymous, second.OpenCount))
            .Add("connects_per_sec", open / Math.Max((first.ConnectDuration + second.ConnectDuration).TotalSeconds, 1e-9))
            .Add("loadgen_rss_bytes", context.LoadGenerator.ResidentBytes());
    }

    private static long? PerConnection(long? after, long? before, int connections) =>
        after is { } a && before is { } b && connections > 0 ? (a - b) / connections : null;

    public static async Task<BenchCredentials[]> RegisterAsync(BenchContext context, int count)
    {
        var registering = context.Phase($"registering {count:#,0} accounts", count);
        return await BenchCredentials.RegisterAsync(context.Node.Http, count, done => registering.Value = done, context.CancellationToken);
    }
}
