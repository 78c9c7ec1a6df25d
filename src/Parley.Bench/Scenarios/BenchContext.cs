using Parley.Bench.Node;
using Spectre.Console;

namespace Parley.Bench.Scenarios;

/// <summary>What every scenario gets: the node under test, the load generator's own meter, and a place to show progress.</summary>
public sealed class BenchContext(NodeUnderTest node, ProgressContext progress, CancellationToken cancellationToken)
{
    public NodeUnderTest Node { get; } = node;

    public ProcessMeter LoadGenerator { get; } = ProcessMeter.Self();

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A progress bar for one phase of a scenario.</summary>
    public ProgressTask Phase(string description, double total)
    {
        var task = progress.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
        return task;
    }

    /// <summary>Runs a phase that has no countable steps, showing it as a spinner-like bar that completes at the end.</summary>
    public async Task<T> PhaseAsync<T>(string description, Func<ProgressTask, Task<T>> run)
    {
        var task = Phase(description, 1);
        task.IsIndeterminate = true;
        try
        {
            return await run(task);
        }
        finally
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    /// <summary>Waits with a visible countdown, bounded by the run's cancellation.</summary>
    public async Task HoldAsync(string description, TimeSpan duration)
    {
        var task = Phase(description, duration.TotalSeconds);
        var end = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250, Math.Max(1, (end - DateTime.UtcNow).TotalMilliseconds))), CancellationToken);
            task.Value = duration.TotalSeconds - Math.Max(0, (end - DateTime.UtcNow).TotalSeconds);
        }
        task.StopTask();
    }
}
