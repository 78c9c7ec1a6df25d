using Parley.Bench.Load;
using Parley.Bench.Results;

namespace Parley.Bench.Scenarios;

/// <summary>
/// N idle, authenticated connections held for a while: the node's memory per connection and how
/// fast it accepts them.
/// </summary>
public sealed class ConnectionsScenario(int count, TimeSpan hold)
{
    public async Task<RunResult> RunAsync(BenchContext context)
    {
        var credentials = await RegisterAsync(context, count);
        await context.HoldAsync("settling before the idle measurement", TimeSpan.FromSeconds(3));
        var idleRss = context.Node.Meter?.ResidentBytes();

        var connecting = context.Phase($"connecting {count:#,0} devices", count);
        await using var fleet = await Fleet.ConnectAsync(context.Node.WebSocketAddress, credentials, connecting);
        await context.HoldAsync($"holding {count:#,0} idle connections", hold);
        var rss = context.Node.Meter?.ResidentBytes();
        var open = fleet.OpenCount;

        return new RunResult("connections")
            .Add("connections", open)
            .Add("server_idle_rss_bytes", idleRss)
            .Add("server_rss_bytes", rss)
            .Add("bytes_per_connection", rss is { } r && idleRss is { } i && open > 0 ? (r - i) / open : null)
            .Add("connects_per_sec", fleet.ConnectsPerSecond)
            .Add("loadgen_rss_bytes", context.LoadGenerator.ResidentBytes());
    }

    public static async Task<BenchCredentials[]> RegisterAsync(BenchContext context, int count)
    {
        var registering = context.Phase($"registering {count:#,0} accounts", count);
        return await BenchCredentials.RegisterAsync(context.Node.Http, count, done => registering.Value = done, context.CancellationToken);
    }
}
