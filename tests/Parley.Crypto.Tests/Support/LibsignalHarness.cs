using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Crypto.Tests.Support;

/// <summary>
/// The real libsignal 0.103 (npm @signalapp/libsignal-client), driven through
/// tests/Parley.Crypto.Tests/libsignal-harness/harness.mjs over JSON lines. Started once for the whole
/// "libsignal" test collection. If Node or the npm package is missing, every interop test fails
/// with a message that says how to install it.
/// </summary>
public sealed class LibsignalHarness : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _node;
    private int _nextId;
    private readonly StringBuilder _stderr = new();

    public async ValueTask InitializeAsync()
    {
        var folder = Path.Combine(RepositoryRoot.Find(), "tests", "Parley.Crypto.Tests", "libsignal-harness");
        var package = Path.Combine(folder, "node_modules", "@signalapp", "libsignal-client", "package.json");
        if (!File.Exists(package))
        {
            throw new InvalidOperationException(
                $"libsignal is not installed for the interop tests: {package} is missing. Run `npm ci` in {folder} (./scripts/test.sh does).");
        }
        var start = new ProcessStartInfo("node", "harness.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        try
        {
            _node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The interop tests need Node.js (`node` on PATH) to run libsignal.", e);
        }
        _node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _node.BeginErrorReadLine();
        var ready = await ReadResponseAsync(0).ConfigureAwait(false);
        if (ready["libsignal"]?.GetValue<string>() != "0.103.0")
        {
            throw new InvalidOperationException($"The harness reports an unexpected libsignal: {ready.ToJsonString()}");
        }
    }

    /// <summary>Calls a harness operation and returns its result.</summary>
    /// <exception cref="LibsignalException">libsignal raised an error.</exception>
    public async Task<JsonObject> CallAsync(string op, object? arguments = null)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var id = ++_nextId;
            var request = arguments is null ? new JsonObject() : JsonSerializer.SerializeToNode(arguments)!.AsObject();
            request["id"] = id;
            request["op"] = op;
            await _node!.StandardInput.WriteLineAsync(request.ToJsonString()).ConfigureAwait(false);
            await _node.StandardInput.FlushAsync().ConfigureAwait(false);
            return await ReadResponseAsync(id).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> ReadResponseAsync(int id)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        string? line;
        try
        {
            line = await _node!.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"libsignal harness did not answer request {id} within {CallTimeout}. stderr: {Stderr()}");
        }
        if (line is null)
        {
            throw new InvalidOperationException($"libsignal harness exited. stderr: {Stderr()}");
        }
        var response = JsonNode.Parse(line)!.AsObject();
        if (response["id"]?.GetValue<int>() != id)
        {
            throw new InvalidOperationException($"libsignal harness answered out of turn: {line}");
        }
        if (response["ok"]!.GetValue<bool>())
        {
            return response["result"]!.AsObject();
        }
        throw new LibsignalException(response["error"]?.GetValue<string>() ?? "(no message)", response["code"]?.GetValue<string>());
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is null)
        {
            return;
        }
        _node.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _node.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _node.Kill(entireProcessTree: true);
        }
        _node.Dispose();
        _gate.Dispose();
    }
}

/// <summary>An error libsignal raised inside the harness, with libsignal's error code name when it has one
/// (for example "DuplicatedMessage", "UntrustedIdentity").</summary>
public sealed class LibsignalException(string message, string? code) : Exception($"{message} [code: {code ?? "none"}]")
{
    public string? Code { get; } = code;
}

[CollectionDefinition("libsignal")]
public sealed class LibsignalCollection : ICollectionFixture<LibsignalHarness>;
