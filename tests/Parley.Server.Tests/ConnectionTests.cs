using System.Net;
using System.Net.WebSockets;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// The connection life cycle and its limits: hello and welcome, heartbeat, and every kind of bad
/// input. Each breach must end only the offending connection, with an error frame and a close code
/// that say why, while a bystander connection keeps working.
/// </summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private WireClient _bystander = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:MaxFrameBytes"] = "4096",
            ["Gateway:HelloTimeout"] = "00:00:00.500",
            ["Accounts:MaxConnectionsPerDevice"] = "2",
        });
        _bystander = await _node.ConnectNewDeviceAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await AssertBystanderUnaffectedAsync();
        await _bystander.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Hello_gets_a_welcome_with_the_heartbeat_policy_and_limits()
    {
        var credentials = await _node.RegisterAsync();
        await using var client = await WireClient.ConnectDeviceAsync(_node, credentials);

        var welcome = client.Welcome!;
        Assert.Equal(WireProtocol.Version, welcome.ProtocolVersion);
        Assert.Equal(credentials.AccountId, welcome.AccountId);
        Assert.Equal(1u, welcome.DeviceId);
        Assert.Equal(5_000u, welcome.Heartbeat.MinIntervalMs);
        Assert.Equal(60_000u, welcome.Heartbeat.MaxIntervalMs);
        Assert.Equal(150_000u, welcome.Heartbeat.TimeoutMs);
        Assert.Equal(4096u, welcome.Limits.MaxFrameBytes);
        Assert.InRange((long)welcome.ServerTimeMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Ping_is_answered_with_a_pong_carrying_the_same_nonce()
    {
        await _bystander.SendAsync(new ClientFrame { Ping = new Ping { Nonce = 42 } });
        var frame = await _bystander.ReceiveAsync();
        Assert.Equal(42ul, frame.Pong.Nonce);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_unauthenticated_and_1008()
    {
        var credentials = await _node.RegisterAsync();
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendAsync(new ClientFrame { Hello = WireClient.Hello(credentials with { Token = new byte[32] }) });

        await AssertEndedAsync(client, ErrorCode.Unauthenticated, WebSocketCloseStatus.PolicyViolation);
    }

    [Theory]
    [InlineData("not-a-guid", 1u, 32)]
    [InlineData("00000000-0000-0000-0000-000000000001", 1u, 32)] // no such account
    [InlineData(null, 7u, 32)]                                   // real account, no such device
    [InlineData(null, 1u, 16)]                                   // token of the wrong length
    public async Task Credentials_that_do_not_match_a_device_are_refused(string? accountId, uint deviceId, int tokenLength)
    {
        var real = await _node.RegisterAsync();
        var credentials = real with { AccountId = accountId ?? real.AccountId, DeviceId = deviceId, Token = real.Token[..tokenLength] };
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendAsync(new ClientFrame { Hello = WireClient.Hello(credentials) });

        await AssertEndedAsync(client, ErrorCode.Unauthenticated, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task A_hello_without_credentials_is_refused()
    {
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendAsync(new ClientFrame { Hello = new Hello { ProtocolVersion = WireProtocol.Version } });

        await AssertEndedAsync(client, ErrorCode.Unauthenticated, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task An_unsupported_protocol_version_is_refused()
    {
        var credentials = await _node.RegisterAsync();
        var hello = WireClient.Hello(credentials);
        hello.ProtocolVersion = 99;
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendAsync(new ClientFrame { Hello = hello });

        await AssertEndedAsync(client, ErrorCode.UnsupportedVersion, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task A_request_before_the_hello_is_out_of_order()
    {
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendAsync(new ClientFrame { Request = new Request { Id = 1, ListDevices = new ListDevices() } });

        await AssertEndedAsync(client, ErrorCode.UnexpectedFrame, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task A_second_hello_is_out_of_order()
    {
        var credentials = await _node.RegisterAsync();
        await using var client = await WireClient.ConnectDeviceAsync(_node, credentials);
        await client.SendAsync(new ClientFrame { Hello = WireClient.Hello(credentials) });

        await AssertEndedAsync(client, ErrorCode.UnexpectedFrame, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task A_connection_that_sends_no_hello_in_time_is_closed()
    {
        await using var client = await WireClient.OpenAsync(_node);

        await AssertEndedAsync(client, ErrorCode.HelloTimeout, WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task Bytes_that_are_not_a_frame_are_malformed_and_closed_with_1007()
    {
        await using var client = await _node.ConnectNewDeviceAsync();
        await client.SendBytesAsync([0xFF, 0xFF, 0xFF, 0x0F, 0x01], WebSocketMessageType.Binary);

        await AssertEndedAsync(client, ErrorCode.MalformedFrame, WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public async Task A_frame_with_no_body_is_malformed()
    {
        await using var client = await _node.ConnectNewDeviceAsync();
        await client.SendBytesAsync([], WebSocketMessageType.Binary);

        await AssertEndedAsync(client, ErrorCode.MalformedFrame, WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public async Task A_text_message_is_malformed()
    {
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendBytesAsync("{\"hello\":{}}"u8.ToArray(), WebSocketMessageType.Text);

        await AssertEndedAsync(client, ErrorCode.MalformedFrame, WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public async Task An_oversized_frame_is_refused_with_1009()
    {
        await using var client = await _node.ConnectNewDeviceAsync();
        var huge = new ClientFrame { Ping = new Ping() };
        var bytes = huge.ToByteArray().Concat(new byte[5000]).ToArray(); // over the 4096-byte limit
        await client.SendBytesAsync(bytes, WebSocketMessageType.Binary);

        await AssertEndedAsync(client, ErrorCode.FrameTooLarge, WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task An_oversized_frame_before_the_hello_is_refused_too()
    {
        await using var client = await WireClient.OpenAsync(_node);
        await client.SendBytesAsync(new byte[1 << 20], WebSocketMessageType.Binary);

        await AssertEndedAsync(client, ErrorCode.FrameTooLarge, WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task A_device_may_hold_only_its_maximum_number_of_connections()
    {
        var credentials = await _node.RegisterAsync();
        await using var first = await WireClient.ConnectDeviceAsync(_node, credentials);
        await using var second = await WireClient.ConnectDeviceAsync(_node, credentials);
        await using var third = await WireClient.OpenAsync(_node);
        await third.SendAsync(new ClientFrame { Hello = WireClient.Hello(credentials) });

        await AssertEndedAsync(third, ErrorCode.TooManyConnections, CloseCodes.TryAgainLater);
        Assert.NotNull((await first.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices);
        Assert.NotNull((await second.RequestAsync(new Request { ListDevices = new ListDevices() })).Devices);
    }

    [Fact]
    public async Task A_closed_connection_frees_its_place()
    {
        var credentials = await _node.RegisterAsync();
        for (var i = 0; i < 4; i++)
        {
            await using var client = await WireClient.ConnectDeviceAsync(_node, credentials);
            Assert.NotNull(client.Welcome);
        }
    }

    [Fact]
    public async Task A_request_without_an_id_or_body_gets_an_error_and_the_connection_stays()
    {
        await _bystander.SendAsync(new ClientFrame { Request = new Request { Id = 0, ListDevices = new ListDevices() } });
        var noId = await _bystander.ReceiveAsync();
        var noBody = await _bystander.RequestAsync(new Request());

        Assert.Equal(ErrorCode.InvalidRequest, noId.Response.Error.Code);
        Assert.Equal(ErrorCode.InvalidRequest, noBody.Error.Code);
    }

    [Fact]
    public async Task A_plain_http_request_to_the_websocket_path_gets_400()
    {
        var response = await _node.Http.GetAsync("/v1/ws");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task AssertEndedAsync(WireClient client, ErrorCode expected, WebSocketCloseStatus status)
    {
        var frames = await client.DrainUntilClosedAsync();
        var error = Assert.Single(frames, f => f.BodyCase == ServerFrame.BodyOneofCase.Error);
        Assert.Equal(expected, error.Error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Error.Message));
        Assert.Equal(status, (await client.ClosedAsync()).Status);
    }

    private async Task AssertBystanderUnaffectedAsync()
    {
        Assert.True(_bystander.IsOpen, "the bystander's connection was closed");
        var response = await _bystander.RequestAsync(new Request { ListDevices = new ListDevices() });
        Assert.NotNull(response.Devices);
    }
}

/// <summary>The heartbeat deadline, on a node with a short timeout.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_silent_connection_is_closed_after_the_heartbeat_timeout_but_a_pinging_one_is_not()
    {
        await using var node = await TestNode.StartAsync(new Dictionary<string, string>
        {
            ["Gateway:HeartbeatMinInterval"] = "00:00:00.100",
            ["Gateway:HeartbeatMaxInterval"] = "00:00:00.300",
            ["Gateway:HeartbeatTimeout"] = "00:00:01",
        });
        await using var silent = await node.ConnectNewDeviceAsync();
        await using var pinging = await node.ConnectNewDeviceAsync();

        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5))
        {
            await pinging.SendAsync(new ClientFrame { Ping = new Ping { Nonce = 1 } });
            await pinging.ReceiveAsync(f => f.Pong is not null);
            await Task.Delay(250);
        }

        var frames = await silent.DrainUntilClosedAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCode.HeartbeatTimeout, Assert.Single(frames).Error.Code);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await silent.ClosedAsync()).Status);
        Assert.True(pinging.IsOpen);
    }
}
