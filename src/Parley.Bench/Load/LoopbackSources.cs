using System.Net;
using System.Net.Sockets;

namespace Parley.Bench.Load;

/// <summary>
/// Opens the load generator's WebSocket connections from many loopback source addresses. Against one
/// destination, one source address has ~28,000 ephemeral ports, and the kernel's search for a free
/// one in connect() slows as they fill: measured here, connecting the second 9,500 of 19,000 devices
/// spent a whole core in the load generator's kernel while the node idled. Spread over
/// 127.0.1.1–127.0.1.64 (all of 127/8 is loopback on Linux), connecting stays cheap, and connects per
/// second measure the node.
/// </summary>
public static class LoopbackSources
{
    private const int Sources = 64;
    private const int IpBindAddressNoPort = 24; // IP_BIND_ADDRESS_NO_PORT: pick the port at connect(), per 4-tuple
    private static int _next;

    /// <summary>An HTTP invoker for ClientWebSocket.ConnectAsync whose connections use the spread.</summary>
    public static HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler { ConnectCallback = ConnectAsync });

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var spread = IPAddress.TryParse(context.DnsEndPoint.Host, out var target)
            && target.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(target) && OperatingSystem.IsLinux();
        var socket = spread ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            if (spread)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
                var source = (byte)(1 + (uint)Interlocked.Increment(ref _next) % Sources);
                socket.Bind(new IPEndPoint(new IPAddress([127, 0, 1, source]), 0));
            }
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
