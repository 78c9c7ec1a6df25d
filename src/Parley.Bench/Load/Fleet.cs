using System.Diagnostics;
using Spectre.Console;

namespace Parley.Bench.Load;

/// <summary>Many connected clients, opened a bounded number at a time.</summary>
public sealed class Fleet(IReadOnlyList<BenchClient> clients, TimeSpan connectDuration) : IAsyncDisposable
{
    public IReadOnlyList<BenchClient> Clients { get; } = clients;

    public TimeSpan ConnectDuration { get; } = connectDuration;

    public BenchClient this[int index] => Clients[index];

    public static async Task<Fleet> ConnectAsync(
        Uri address, IReadOnlyList<BenchCredentials> credentials, ProgressTask? progress, Action<BenchClient>? configure = null, int parallelism = 64)
    {
        var clients = credentials.Select((c, i) => new BenchClient(c, i)).ToList();
        foreach (var client in clients)
        {
            configure?.Invoke(client);
        }
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (client, ct) =>
        {
            await client.ConnectAsync(address, cancellationToken: ct);
            progress?.Increment(1);
        });
        return new Fleet(clients, Stopwatch.GetElapsedTime(started));
    }

    public int OpenCount => Clients.Count(c => c.IsOpen);

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(Clients, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (client, _) => await client.DisposeAsync());
    }
}
