namespace Parley.Server.Gateway;

/// <summary>
/// One timer for all connections: checks deadlines a few times a second, so a connection costs no
/// timer of its own. Closes every connection as soon as the node begins to stop.
/// </summary>
internal sealed class GatewaySweeper(Gateway gateway, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var closeOnStop = lifetime.ApplicationStopping.Register(gateway.CloseAll);
        var period = TimeSpan.FromMilliseconds(Math.Clamp(gateway.Options.HelloTimeout.TotalMilliseconds / 4, 20, 250));
        using var timer = new PeriodicTimer(period, gateway.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                gateway.CheckDeadlines();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping: connections were told by CloseAll.
        }
    }
}
