using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;

namespace Parley.Testing;

/// <summary>
/// A real Parley node, in this process: Kestrel on a random 127.0.0.1 port, its own Orleans silo and
/// its own SQLite file in a temporary folder. Settings are passed as command-line configuration,
/// exactly as an operator would.
/// </summary>
public sealed class TestNode : NodeEndpoint, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;

    private TestNode(WebApplication app, string dataDirectory, bool ownsDataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public override Uri BaseAddress { get; }

    public override HttpClient Http { get; }

    public string DataDirectory { get; }

    public int Port => BaseAddress.Port;

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a node. <paramref name="settings"/> override the test defaults ("Section:Key" = value).
    /// Pass <paramref name="dataDirectory"/> (and <paramref name="port"/>) to start again where an
    /// earlier node stopped, as a restart would.
    /// </summary>
    public static async Task<TestNode> StartAsync(IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null, int port = 0)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("parley-test-").FullName;
        var config = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["environment"] = "Testing",
            ["Storage:DataDirectory"] = dataDirectory,
        };
        foreach (var (key, value) in DefaultSettings)
        {
            config[key] = value;
        }
        // PARLEY_TEST_LOG=Debug (or Information) shows the nodes' logs on the test run's output.
        if (Environment.GetEnvironmentVariable("PARLEY_TEST_LOG") is { Length: > 0 } level)
        {
            config["Logging:LogLevel:Default"] = level;
            config["Logging:LogLevel:Orleans"] = "Warning";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }
        var app = ParleyNode.Build(config.Select(pair => $"--{pair.Key}={pair.Value}").ToArray());
        await app.StartAsync();
        return new TestNode(app, dataDirectory, owns);
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

/// <summary>What registration or linking hands a device.</summary>
public sealed record TestCredentials(string AccountId, uint DeviceId, byte[] Token, string PhoneNumber)
{
    public static async Task<TestCredentials> ReadAsync(HttpResponseMessage response, string phoneNumber)
    {
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestCredentials(
            json.GetProperty("account_id").GetString()!,
            json.GetProperty("device_id").GetUInt32(),
            Convert.FromBase64String(json.GetProperty("token").GetString()!),
            phoneNumber);
    }
}
