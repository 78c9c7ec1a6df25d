using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Parley.Grains;
using Parley.Grains.Accounts;
using Parley.Grains.Conversations;
using Parley.Grains.Registration;
using Parley.Server.Gateway;
using Parley.Server.Http;
using Parley.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// Builds one node: configuration (appsettings, environment, command line), the store, the Orleans
/// silo, the HTTP endpoints and the WebSocket gateway. Program.cs and the tests both start here.
/// </summary>
public static class ParleyNode
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSingleton(TimeProvider.System);
        AddValidatedOptions<GatewayOptions>(services, configuration, GatewayOptions.Section);
        AddValidatedOptions<AccountOptions>(services, configuration, AccountOptions.Section);
        AddValidatedOptions<RegistrationOptions>(services, configuration, RegistrationOptions.Section);
        AddValidatedOptions<ConversationOptions>(services, configuration, ConversationOptions.Section);
        AddValidatedOptions<SiloOptions>(services, configuration, SiloOptions.Section);

        // The store opens before the silo starts (hosted services start in registration order).
        services.AddSqliteStorage(configuration);
        services.AddSingleton<NodeReadiness>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<NodeReadiness>());
        services.AddHostedService<StoreStartup>();

        var silo = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.UseOrleans(siloBuilder => siloBuilder.UseLocalhostClustering(
            siloPort: silo.Port == 0 ? FreeLoopbackPort() : silo.Port,
            gatewayPort: 0,
            serviceId: silo.ServiceId,
            clusterId: silo.ClusterId));

        services.AddSingleton<Actors>();
        services.AddSingleton<LocalConnections>();
        services.AddSingleton<Delivery>();
        services.Configure<DeliveryOptions>(configuration.GetSection(DeliveryOptions.Section));
        services.AddSingleton<ISmsSender, LoggingSmsSender>();
        services.AddRegistrationRateLimits();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddHealthChecks().AddCheck<NodeReadiness>("node");
        services.AddGateway();
        services.AddHostedService<RetentionSweeper>();

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.UseRateLimiter();
        app.MapHealthChecks("/healthz");
        app.MapRegistrationEndpoints();
        app.MapGateway();
        app.Lifetime.ApplicationStarted.Register(() => NodeLog.Started(
            app.Logger,
            string.Join(", ", app.Urls),
            app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath,
            app.Environment.EnvironmentName));
        return app;
    }

    private static void AddValidatedOptions<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    private static readonly HashSet<int> HandedOutPorts = [];

    /// <summary>
    /// A free port for the silo, below Linux's ephemeral range (32768+) so that outgoing connections
    /// cannot take it between this check and the silo's bind, and never one this process handed out
    /// already (tests start several nodes at once).
    /// </summary>
    private static int FreeLoopbackPort()
    {
        lock (HandedOutPorts)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOutPorts.Add(port))
                {
                    continue;
                }
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken by another process: try another.
                }
            }
        }
        throw new InvalidOperationException("No free port for the silo between 20000 and 32000; set Silo:Port.");
    }
}

internal static partial class NodeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Parley node ready on {Urls}; data in {DatabasePath}; environment {Environment}")]
    public static partial void Started(ILogger logger, string urls, string databasePath, string environment);
}
