using System.CommandLine;
using System.Text.Json.Nodes;
using Parley.Bench;
using Parley.Testing;

namespace Parley.Bench.Tests;

/// <summary>
/// Every benchmark scenario, run small through the real `bench` command: it completes, writes the
/// JSON fields docs/benchmarks.md relies on, and finds nothing lost or doubled. Numbers are not
/// judged here (the test suite is no place for timing); the benchmark tool itself is.
/// </summary>
public sealed class BenchScenarioTests : IAsyncLifetime
{
    private readonly string _json = Path.Combine(Path.GetTempPath(), $"parley-bench-{Guid.NewGuid():N}.jsonl");
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        File.Delete(_json);
    }

    [Fact]
    public async Task Connections_reports_memory_per_connection_and_connect_rate()
    {
        var run = await RunAsync("connections", "--count", "20", "--hold", "1");
        Assert.Equal(20, run["connections"]!.GetValue<int>());
        Assert.True(run["connects_per_sec"]!.GetValue<double>() > 0);
        Assert.NotNull(run["bytes_per_connection"]);
        Assert.NotNull(run["anon_bytes_per_connection"]);
        Assert.NotNull(run["marginal_bytes_per_connection"]);
        Assert.True(run["accounts_active_in_baseline"]!.GetValue<bool>()); // --server: a node the tool did not start is not restarted
    }

    [Fact]
    public async Task Direct_delivers_every_message_once_and_reports_latency_percentiles()
    {
        var run = await RunAsync("direct", "--pairs", "3", "--rate", "30", "--duration", "2", "--warmup", "0");
        Assert.Equal(60, run["sent"]!.GetValue<long>());
        Assert.Equal(60, run["acked"]!.GetValue<long>());
        Assert.Equal(0, run["lost"]!.GetValue<long>());
        Assert.Equal(0, run["duplicated"]!.GetValue<long>());
        foreach (var field in new[] { "offered_per_sec", "delivered_per_sec", "p50_ms", "p95_ms", "p99_ms", "p999_ms", "ack_p99_ms", "server_cpu_pct", "loadgen_cpu_pct" })
        {
            Assert.True(run[field] is not null, $"{field} missing");
        }
        Assert.True(run["p50_ms"]!.GetValue<double>() <= run["p99_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task Group_reaches_every_member()
    {
        var run = await RunAsync("group", "--members", "5", "--rate", "10", "--duration", "2", "--warmup", "1");
        Assert.Equal(20, run["acked"]!.GetValue<long>());
        Assert.Equal(0, run["lost"]!.GetValue<long>());
        Assert.Equal(0, run["duplicated"]!.GetValue<long>());
        Assert.NotNull(run["deliveries_per_sec"]);
        Assert.NotNull(run["p99_ms"]);
    }

    [Fact]
    public async Task Offline_drain_delivers_the_whole_backlog()
    {
        var run = await RunAsync("offline-drain", "--backlog", "300");
        Assert.Equal(300, run["backlog"]!.GetValue<int>());
        Assert.Equal(0, run["lost"]!.GetValue<long>());
        Assert.Equal(0, run["duplicated"]!.GetValue<long>());
        Assert.True(run["drain_ms"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task A_reconnect_storm_loses_and_doubles_nothing()
    {
        // This scenario kills and restarts the node, so it starts its own (no --server).
        var run = await RunAsync(withServer: false, "reconnect-storm", "--devices", "10", "--rate", "20");
        Assert.Equal(10, run["devices"]!.GetValue<int>());
        Assert.Equal(run["sent"]!.GetValue<long>(), run["acked"]!.GetValue<long>());
        Assert.Equal(0, run["lost"]!.GetValue<long>());
        Assert.Equal(0, run["duplicated"]!.GetValue<long>());
        Assert.True(run["resync_ms"]!.GetValue<double>() >= 0);
    }

    private Task<JsonObject> RunAsync(params string[] args) => RunAsync(withServer: true, args);

    private async Task<JsonObject> RunAsync(bool withServer, params string[] args)
    {
        // The node runs in this process here, so its meter reads this process (node and load generator together).
        string[] server = withServer ? ["--server", _node.BaseAddress.ToString(), "--server-pid", Environment.ProcessId.ToString()] : [];
        var arguments = args.Concat(["--json", _json]).Concat(server).ToArray();
        var root = new RootCommand { BenchCommand.Create() };
        var exit = await root.Parse(["bench", .. arguments]).InvokeAsync(new InvocationConfiguration(), TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var lines = await File.ReadAllLinesAsync(_json, TestContext.Current.CancellationToken);
        return JsonNode.Parse(lines[^1])!.AsObject();
    }
}
