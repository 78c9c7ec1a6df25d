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

        var connecting = context.Phase($"connecting {count:#,0} devices", count);
        await using var fleet = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials, connecting);
        await context.HoldAsync($"holding {count:#,0} idle connections", hold);
        var rss = context.Node.Meter?.ResidentBytes();
        var anonymous = context.Node.Meter?.AnonymousResidentBytes();
        var open = fleet.OpenCount;

        return new RunResult("connections")
            .Add("connections", open)
            .Add("accounts_active_in_baseline", !context.Node.IsOwned) // with --server, the just-registered accounts are still active
            .Add("server_idle_rss_bytes", idleRss)
            .Add("server_rss_bytes", rss)
            .Add("bytes_per_connection", rss is { } r && idleRss is { } i && open > 0 ? (r - i) / open : null)
            .Add("anon_bytes_per_connection", anonymous is { } a && idleAnonymous is { } ia && open > 0 ? (a - ia) / open : null)
            .Add("connects_per_sec", fleet.ConnectsPerSecond)
            .Add("loadgen_rss_bytes", context.LoadGenerator.ResidentBytes());
    }

    public static async Task<BenchCredentials[]> RegisterAsync(BenchContext context, int count)
    {
        var registering = context.Phase($"registering {count:#,0} accounts", count);
        return await BenchCredentials.RegisterAsync(context.Node.Http, count, done => registering.Value = done, context.CancellationToken);
    }
}
