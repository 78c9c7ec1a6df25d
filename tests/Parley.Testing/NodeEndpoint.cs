using System.Net.Http.Json;

namespace Parley.Testing;

/// <summary>A running node as tests reach it: its addresses, and registration through its real HTTP API.</summary>
public abstract class NodeEndpoint
{
    public const string TestCode = "123456";

    private static int _phoneCounter;

    /// <summary>Settings every test node starts with (test numbers on; per-address limits out of the way).</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSettings = new Dictionary<string, string>
    {
        ["Registration:TestNumbers:0:Prefix"] = "+1555",
        ["Registration:TestNumbers:0:Code"] = TestCode,
        ["Registration:RequestsPerAddressPerMinute"] = "100000",
        ["Registration:MinCodeRequestInterval"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Error",
    };

    public abstract Uri BaseAddress { get; }

    public abstract HttpClient Http { get; }

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/v1/ws");

    /// <summary>A fresh test number (+1555…, which accepts <see cref="TestCode"/>), unique in this test run.</summary>
    public static string NewPhoneNumber() => $"+1555{Interlocked.Increment(ref _phoneCounter):D7}";

    /// <summary>Registers a new account through the real HTTP API and returns its first device's credentials.</summary>
    public async Task<TestCredentials> RegisterAsync(string? phoneNumber = null)
    {
        phoneNumber ??= NewPhoneNumber();
        var response = await Http.PostAsJsonAsync("/v1/registration/verify", new { phone_number = phoneNumber, code = TestCode, device_name = "test" });
        await EnsureSuccessAsync(response);
        return await TestCredentials.ReadAsync(response, phoneNumber);
    }

    /// <summary>Registers an account and connects its first device.</summary>
    public async Task<WireClient> ConnectNewDeviceAsync() => await WireClient.ConnectDeviceAsync(this, await RegisterAsync());

    /// <summary>Links a new device to the account of <paramref name="primary"/>.</summary>
    public async Task<TestCredentials> LinkDeviceAsync(WireClient primary, string name = "linked")
    {
        var code = (await primary.RequestAsync(new Protocol.Request { CreateLinkCode = new Protocol.CreateLinkCode() })).LinkCode.Code;
        var response = await Http.PostAsJsonAsync("/v1/devices/link", new { code, device_name = name });
        await EnsureSuccessAsync(response);
        return await TestCredentials.ReadAsync(response, primary.Credentials!.PhoneNumber);
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
