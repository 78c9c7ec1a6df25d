using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Storage.Sqlite;

namespace Parley.Server.Hosting;

/// <summary>
/// Whether the node can serve: the store is open and the silo is active. Backs GET /healthz
/// (200 when ready, 503 before and while stopping).
/// </summary>
public sealed class NodeReadiness : ILifecycleParticipant<ISiloLifecycle>, IHealthCheck
{
    private volatile bool _storeOpen;
    private volatile bool _siloActive;

    public bool IsReady => _storeOpen && _siloActive;

    public void StoreOpened() => _storeOpen = true;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe<NodeReadiness>(
            ServiceLifecycleStage.Active,
            onStart: _ =>
            {
                _siloActive = true;
                return Task.CompletedTask;
            },
            onStop: _ =>
            {
                _siloActive = false;
                return Task.CompletedTask;
            });

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            IsReady ? HealthCheckResult.Healthy()
            : !_storeOpen ? HealthCheckResult.Unhealthy("store not open")
            : HealthCheckResult.Unhealthy("silo not active"));
}

/// <summary>Opens (and migrates) the store before the silo starts, so grains never see it closed.</summary>
internal sealed class StoreStartup(SqliteDatabase database, NodeReadiness readiness) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = database.Path;
        readiness.StoreOpened();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
