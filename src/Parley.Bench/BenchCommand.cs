using System.CommandLine;
using System.Globalization;
using Parley.Bench.Node;
using Parley.Bench.Results;
using Parley.Bench.Scenarios;
using Spectre.Console;

namespace Parley.Bench;

/// <summary>
/// `parley bench SCENARIO`: the scenarios and their options. By default each run starts a fresh node
/// (a separate process on loopback, temporary data folder) and stops it afterwards; --server targets a
/// running node instead.
/// </summary>
public static class BenchCommand
{
    private static readonly Option<string?> Server = new("--server") { Description = "Run against this running node instead of starting one (it must accept +1555 test numbers and have generous rate limits)." };
    private static readonly Option<int?> ServerPid = new("--server-pid") { Description = "With --server: the node's process id, to report its CPU and memory." };
    private static readonly Option<string?> Json = new("--json") { Description = "Append one JSON object per run to this file." };
    private static readonly Option<string[]> NodeSettings = new("--node-setting") { Description = "KEY=VALUE configuration for the node this tool starts (repeatable), e.g. Storage:Synchronous=Normal.", AllowMultipleArgumentsPerToken = false };

    public static Command Create()
    {
        var bench = new Command("bench", "Measure a Parley node under load: connections, 1:1 throughput and latency, group fan-out, offline drain, reconnect storm.");
        foreach (var scenario in Scenarios())
        {
            bench.Subcommands.Add(scenario);
        }
        return bench;
    }

    /// <summary>One command per scenario.</summary>
    public static IEnumerable<Command> Scenarios() => [Connections(), Direct(), Group(), OfflineDrain(), ReconnectStorm()];

    private static Command Connections()
    {
        var count = new Option<int>("--count") { Description = "Idle connections to open and hold.", DefaultValueFactory = _ => 1000 };
        var hold = new Option<int>("--hold") { Description = "Seconds to hold them before measuring.", DefaultValueFactory = _ => 10 };
        return OneRun("connections", "N idle authenticated connections: memory per connection and connects per second.", [count, hold],
            (result, context) => new ConnectionsScenario(result.GetValue(count), TimeSpan.FromSeconds(result.GetValue(hold))).RunAsync(context));
    }

    private static Command Direct()
    {
        var pairs = new Option<int>("--pairs") { Description = "Pairs of devices exchanging 1:1 messages.", DefaultValueFactory = _ => 500 };
        var rate = new Option<double>("--rate") { Description = "Total offered messages per second.", DefaultValueFactory = _ => 16000 };
        var duration = new Option<int>("--duration") { Description = "Seconds per run.", DefaultValueFactory = _ => 20 };
        var steps = new Option<string?>("--steps") { Description = "A rising series of rates (R1,R2,...), stopping where p99 passes 1 s or messages are lost." };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of the same load before measuring, to let the node's JIT settle.", DefaultValueFactory = _ => 10 };
        return Scenario("direct", "1:1 messages at a fixed offered rate, open loop: delivery latency percentiles, losses, duplicates.", [pairs, rate, duration, steps, warmup],
            (result, context) =>
            {
                var series = result.GetValue(steps) is { } text
                    ? text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList()
                    : [result.GetValue(rate)];
                return new DirectScenario(result.GetValue(pairs), series, TimeSpan.FromSeconds(result.GetValue(duration)), TimeSpan.FromSeconds(result.GetValue(warmup))).RunAsync(context);
            });
    }

    private static Command Group()
    {
        var members = new Option<int>("--members") { Description = "Members of the group, all online.", DefaultValueFactory = _ => 256 };
        var rate = new Option<double>("--rate") { Description = "Messages per second sent to the group.", DefaultValueFactory = _ => 50 };
        var duration = new Option<int>("--duration") { Description = "Seconds.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of the same load before measuring, to let the node's JIT settle.", DefaultValueFactory = _ => 10 };
        return OneRun("group", "Fan-out to one group whose members are all online: deliveries per second and latency to the last member.", [members, rate, duration, warmup],
            (result, context) => new GroupScenario(result.GetValue(members), result.GetValue(rate), TimeSpan.FromSeconds(result.GetValue(duration)), TimeSpan.FromSeconds(result.GetValue(warmup))).RunAsync(context));
    }

    private static Command OfflineDrain()
    {
        var backlog = new Option<int>("--backlog") { Description = "Entries waiting for the offline device.", DefaultValueFactory = _ => 10000 };
        return OneRun("offline-drain", "A device reconnects to N waiting entries: time from connect to fully synced.", [backlog],
            (result, context) => new OfflineDrainScenario(result.GetValue(backlog)).RunAsync(context));
    }

    private static Command ReconnectStorm()
    {
        var devices = new Option<int>("--devices") { Description = "Devices (in pairs) connected with traffic flowing.", DefaultValueFactory = _ => 1000 };
        var rate = new Option<double>("--rate") { Description = "Total messages per second while it runs.", DefaultValueFactory = _ => 500 };
        return OneRun("reconnect-storm", "Kill the node under traffic and restart it: time until every device has resynced; lost and duplicated messages.", [devices, rate],
            (result, context) => new ReconnectStormScenario(result.GetValue(devices), result.GetValue(rate), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)).RunAsync(context));
    }

    /// <summary>A scenario that measures once (only direct, with --steps, measures a series).</summary>
    private static Command OneRun(string name, string description, Option[] options, Func<ParseResult, BenchContext, Task<RunResult>> run) =>
        Scenario(name, description, options, async (result, context) => [await run(result, context)]);

    private static Command Scenario(string name, string description, Option[] options, Func<ParseResult, BenchContext, Task<IReadOnlyList<RunResult>>> run)
    {
        var command = new Command(name, description);
        foreach (var option in options.Concat([Server, ServerPid, Json, NodeSettings]))
        {
            command.Options.Add(option);
        }
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var results = await RunAsync(result, cancellationToken, context => run(result, context));
                foreach (var runResult in results)
                {
                    runResult.Render();
                    if (result.GetValue(Json) is { } path)
                    {
                        runResult.AppendTo(path);
                    }
                }
                return 0;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                AnsiConsole.MarkupLine($"[red]bench {Markup.Escape(name)} failed:[/] {Markup.Escape(error.GetBaseException().Message)}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<RunResult>> RunAsync(ParseResult result, CancellationToken cancellationToken, Func<BenchContext, Task<IReadOnlyList<RunResult>>> run)
    {
        var settings = (result.GetValue(NodeSettings) ?? [])
            .Select(s => s.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : throw new ArgumentException($"--node-setting takes KEY=VALUE, not '{p[0]}'"));
        await using var node = result.GetValue(Server) is { } server
            ? NodeUnderTest.Running(Uri.TryCreate(server, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--server needs a URL such as http://127.0.0.1:8080, not '{server}'"), result.GetValue(ServerPid))
            : await AnsiConsole.Status().StartAsync("starting a node", _ => NodeUnderTest.StartAsync(settings));
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(progress => run(new BenchContext(node, progress, cancellationToken)));
    }
}
