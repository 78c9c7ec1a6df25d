using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.Testing;

/// <summary>
/// A node in a separate process (the built Parley.Server.dll run with `dotnet`), so that a test can
/// kill it without warning, as a crash would, and start it again on the same data.
/// </summary>
public sealed class NodeProcess : NodeEndpoint, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

    private NodeProcess(string dataDirectory, int port, IReadOnlyDictionary<string, string> settings)
    {
        DataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _settings = settings;
    }

    public override Uri BaseAddress { get; }

    public override HttpClient Http { get; }

    public string DataDirectory { get; }

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = new NodeProcess(Directory.CreateTempSubdirectory("parley-process-").FullName, FreePort(), settings ?? new Dictionary<string, string>());
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>Starts the node (again, on the same port and data) and waits until /healthz says it is ready.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"));
        var settings = new Dictionary<string, string>(DefaultSettings)
        {
            ["urls"] = BaseAddress.ToString().TrimEnd('/'),
            ["environment"] = "Testing",
            ["Storage:DataDirectory"] = DataDirectory,
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
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
            await Task.Delay(100);
        }
        throw new TimeoutException("the node did not become healthy within 60 s");
    }

    /// <summary>SIGKILL: the process gets no chance to flush, close or say goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
