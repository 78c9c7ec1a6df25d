using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.Bench.Node;

/// <summary>
/// The node being measured: either one this tool starts (a separate process on loopback with a
/// temporary data folder, stopped and deleted afterwards) or one already running (--server).
/// </summary>
public sealed class NodeUnderTest : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

    private NodeUnderTest(Uri baseAddress, string? dataDirectory, IReadOnlyDictionary<string, string> settings, int? externalPid)
    {
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _settings = settings;
        Meter = externalPid is { } pid ? new ProcessMeter(pid) : null;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public Uri WebSocketAddress => new($"{(BaseAddress.Scheme == "https" ? "wss" : "ws")}://{BaseAddress.Authority}/v1/ws");

    public HttpClient Http { get; }

    /// <summary>Whether this tool started the node (and so can kill and restart it).</summary>
    public bool IsOwned => _dataDirectory is not null;

    /// <summary>The node's process, when known: this tool's own, or one named with --server-pid.</summary>
    public ProcessMeter? Meter { get; private set; }

    /// <summary>Settings a node started for a benchmark gets: test numbers, and no per-account or per-address limits in the way.</summary>
    public static readonly IReadOnlyDictionary<string, string> BenchmarkSettings = new Dictionary<string, string>
    {
        ["Registration:TestNumbers:0:Prefix"] = "+1555",
        ["Registration:TestNumbers:0:Code"] = "123456",
        ["Registration:RequestsPerAddressPerMinute"] = "1000000",
        ["Registration:MinCodeRequestInterval"] = "00:00:00",
        ["Gateway:SendRatePerSecond"] = "1000000",
        ["Gateway:SendBurst"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Error",
    };

    public static NodeUnderTest Running(Uri server, int? pid) => new(server, null, new Dictionary<string, string>(), pid);

    /// <summary>Starts a fresh node from the Parley.Server.dll that ships next to this tool.</summary>
    public static async Task<NodeUnderTest> StartAsync(IReadOnlyDictionary<string, string> extraSettings)
    {
        var settings = new Dictionary<string, string>(BenchmarkSettings);
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }
        var data = Directory.CreateTempSubdirectory("parley-bench-").FullName;
        var node = new NodeUnderTest(new Uri($"http://127.0.0.1:{FreePort()}"), data, settings, null);
        await node.StartProcessAsync();
        return node;
    }

    /// <summary>SIGKILL, as a crash: no flush, no goodbye to clients.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the killed node again on the same port and data; returns once /healthz says ready.</summary>
    public Task RestartAsync() => IsOwned ? StartProcessAsync() : throw new InvalidOperationException("Only a node this tool started can be restarted.");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // A polite stop first (SIGTERM lets the node close connections), then no more waiting.
            Process.Start("kill", ["-TERM", process.Id.ToString()])?.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        _process?.Dispose();
        Http.Dispose();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private async Task StartProcessAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--urls={BaseAddress.ToString().TrimEnd('/')}");
        start.ArgumentList.Add("--environment=Production");
        start.ArgumentList.Add($"--Storage:DataDirectory={_dataDirectory}");
        foreach (var (key, value) in _settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        // The node logs warnings and worse only (see BenchmarkSettings); pass those on.
        DataReceivedEventHandler forward = (_, line) =>
        {
            if (line.Data is { } text && (text.Contains("warn:") || text.Contains("fail:") || text.Contains("crit:")))
            {
                Console.Error.WriteLine($"node: {text}");
            }
        };
        _process.OutputDataReceived += forward;
        _process.ErrorDataReceived += forward;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Meter = new ProcessMeter(_process.Id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the node exited with code {_process.ExitCode} while starting");
            }
            try
            {
                if ((await Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the node did not become ready within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
