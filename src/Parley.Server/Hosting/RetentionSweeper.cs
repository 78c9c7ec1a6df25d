using Microsoft.Extensions.Options;
using Parley.Grains.Conversations;
using Parley.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// Retention: now and then deletes entries that are older than the retention window and that every
/// device of every member has acknowledged. Unacknowledged entries stay, however old.
/// </summary>
internal sealed partial class RetentionSweeper(
    IConversationStore store,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task SweepAsync()
    {
        var cutoff = HybridLogicalClock.FromUnixMilliseconds((clock.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds());
        try
        {
            var deleted = await store.PruneAsync(cutoff);
            if (deleted > 0)
            {
                Pruned(logger, deleted);
            }
        }
        catch (Exception error)
        {
            SweepFailed(logger, error);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Retention: deleted {Count} entries that every device had acknowledged")]
    private static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Retention sweep failed; it runs again at the next interval")]
    private static partial void SweepFailed(ILogger logger, Exception error);
}
