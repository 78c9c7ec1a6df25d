using Parley.Client.Connections;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class DisconnectTests
{
    [Theory]
    [InlineData(ErrorCode.Unauthenticated, false)]
    [InlineData(ErrorCode.DeviceRevoked, false)]
    [InlineData(ErrorCode.UnsupportedVersion, false)]
    [InlineData(ErrorCode.TooManyConnections, true)]
    [InlineData(ErrorCode.SlowConsumer, true)]
    [InlineData(ErrorCode.HeartbeatTimeout, true)]
    [InlineData(ErrorCode.ShuttingDown, true)]
    [InlineData(ErrorCode.MalformedFrame, true)]
    public void The_client_reconnects_after_every_close_but_a_refusal_of_the_device(ErrorCode code, bool reconnect) =>
        Assert.Equal(reconnect, new Disconnect(code, 1008, "why").ShouldReconnect);

    [Fact]
    public void A_lost_connection_is_retried() => Assert.True(Disconnect.Lost("connection refused").ShouldReconnect);
}
