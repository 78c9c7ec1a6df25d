using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Linking, listing, renaming and revoking devices, over real HTTP and real WebSockets.</summary>
public sealed class DeviceTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(new Dictionary<string, string>
    {
        ["Accounts:MaxDevices"] = "3",
    });

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_device_links_a_new_device_with_a_one_use_code()
    {
        await using var primary = await _node.ConnectNewDeviceAsync();

        var code = (await primary.RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode;
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}$", code.Code);
        Assert.Equal(600u, code.ExpiresInSeconds);

        var linked = await LinkAsync(code.Code, "laptop");
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        var credentials = await TestCredentials.ReadAsync(linked, primary.Credentials!.PhoneNumber);
        Assert.Equal(primary.Credentials.AccountId, credentials.AccountId);
        Assert.Equal(2u, credentials.DeviceId);

        await using var laptop = await WireClient.ConnectDeviceAsync(_node, credentials);
        var devices = (await laptop.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices.Devices;
        Assert.Equal([1u, 2u], devices.Select(d => d.DeviceId));
        Assert.Equal(["test", "laptop"], devices.Select(d => d.Name));
        Assert.All(devices, d => Assert.True(d.Online));
        Assert.Equal(2u, devices.Single(d => d.Current).DeviceId);

        var reused = await LinkAsync(code.Code, "tablet");
        Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
        Assert.Equal("link_code_not_found", await ErrorOf(reused));
    }

    [Fact]
    public async Task Link_codes_are_forgiving_about_case_and_dashes_but_not_about_content()
    {
        await using var primary = await _node.ConnectNewDeviceAsync();
        var code = (await primary.RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode.Code;

        var unknown = await LinkAsync("ZZZZ-ZZZZ", "x");
        var malformed = await LinkAsync("not a code!", "x");
        var lowercase = await LinkAsync(code.Replace("-", "").ToLowerInvariant(), "x");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("invalid_link_code_format", await ErrorOf(malformed));
        Assert.Equal(HttpStatusCode.OK, lowercase.StatusCode);
    }

    [Fact]
    public async Task An_account_cannot_link_more_devices_than_its_limit()
    {
        await using var primary = await _node.ConnectNewDeviceAsync();
        for (var i = 0; i < 2; i++)
        {
            var code = (await primary.RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode.Code;
            Assert.Equal(HttpStatusCode.OK, (await LinkAsync(code, $"device {i}")).StatusCode);
        }

        var oneTooMany = (await primary.RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode.Code;
        var refused = await LinkAsync(oneTooMany, "one too many");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("too_many_devices", await ErrorOf(refused));
    }

    [Fact]
    public async Task Revoking_a_device_closes_its_open_connection_at_once_and_its_token_stops_working()
    {
        await using var primary = await _node.ConnectNewDeviceAsync();
        var laptopCredentials = await LinkNewDeviceAsync(primary);
        await using var laptop = await WireClient.ConnectDeviceAsync(_node, laptopCredentials);

        var revoked = await primary.RequestAsync(new Request { RevokeDevice = new RevokeDevice { DeviceId = laptopCredentials.DeviceId } });

        Assert.NotNull(revoked.Ok);
        var frames = await laptop.DrainUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(ErrorCode.DeviceRevoked, Assert.Single(frames).Error.Code);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await laptop.ClosedAsync()).Status);

        await using var again = await WireClient.OpenAsync(_node);
        await again.SendAsync(new ClientFrame { Hello = WireClient.Hello(laptopCredentials) });
        Assert.Equal(ErrorCode.Unauthenticated, (await again.ReceiveAsync()).Error.Code);

        var devices = (await primary.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices.Devices;
        Assert.Equal([1u], devices.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task Devices_can_be_renamed_and_unknown_devices_are_not_found()
    {
        await using var primary = await _node.ConnectNewDeviceAsync();

        var renamed = await primary.RequestAsync(new Request { RenameDevice = new RenameDevice { DeviceId = 1, Name = "  my phone " } });
        var unknown = await primary.RequestAsync(new Request { RenameDevice = new RenameDevice { DeviceId = 99, Name = "x" } });
        var empty = await primary.RequestAsync(new Request { RenameDevice = new RenameDevice { DeviceId = 1, Name = "   " } });
        var revokeUnknown = await primary.RequestAsync(new Request { RevokeDevice = new RevokeDevice { DeviceId = 99 } });

        Assert.NotNull(renamed.Ok);
        Assert.Equal(ErrorCode.NotFound, unknown.Error.Code);
        Assert.Equal(ErrorCode.InvalidRequest, empty.Error.Code);
        Assert.Equal(ErrorCode.NotFound, revokeUnknown.Error.Code);
        var devices = (await primary.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices.Devices;
        Assert.Equal("my phone", Assert.Single(devices).Name);
    }

    [Fact]
    public async Task A_device_cannot_touch_another_accounts_devices()
    {
        await using var alice = await _node.ConnectNewDeviceAsync();
        await using var bob = await _node.ConnectNewDeviceAsync();

        // Bob's device 1 is not Alice's: her account has no device 2, and her revoke of "1" is her own phone.
        var rename = await alice.RequestAsync(new Request { RenameDevice = new RenameDevice { DeviceId = 2, Name = "mine now" } });

        Assert.Equal(ErrorCode.NotFound, rename.Error.Code);
        var bobsDevices = (await bob.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices.Devices;
        Assert.Equal("test", Assert.Single(bobsDevices).Name);
    }

    private async Task<TestCredentials> LinkNewDeviceAsync(WireClient primary)
    {
        var code = (await primary.RequestAsync(new Request { CreateLinkCode = new CreateLinkCode() })).LinkCode.Code;
        var response = await LinkAsync(code, "laptop");
        await TestNode.EnsureSuccessAsync(response);
        return await TestCredentials.ReadAsync(response, primary.Credentials!.PhoneNumber);
    }

    private Task<HttpResponseMessage> LinkAsync(string code, string name) =>
        _node.Http.PostAsJsonAsync("/v1/devices/link", new { code, device_name = name });

    private static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
}
