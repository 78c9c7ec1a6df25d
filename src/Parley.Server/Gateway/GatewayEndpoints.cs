using System.Net.WebSockets;
using Parley.Protocol;
using Parley.Server.Http;

namespace Parley.Server.Gateway;

public static class GatewayEndpoints
{
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton<Gateway>();
        services.AddHostedService<GatewaySweeper>();
        return services;
    }

    /// <summary>The WebSocket endpoint every device connects to.</summary>
    public static void MapGateway(this IEndpointRouteBuilder app)
    {
        // Taken once here rather than per request: binding it per request would create a service
        // scope that every open connection then holds for its whole life.
        var gateway = app.ServiceProvider.GetRequiredService<Gateway>();
        app.Map(WireProtocol.WebSocketPath, async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await ApiError.Result(StatusCodes.Status400BadRequest, "websocket_required", $"{WireProtocol.WebSocketPath} accepts WebSocket upgrades only.")
                    .ExecuteAsync(context);
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = TimeSpan.Zero,
                DangerousEnableCompression = false,
            });
            var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
            await new DeviceSession(socket, gateway, remote).RunAsync();
        });
    }
}
