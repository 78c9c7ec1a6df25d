using System.Diagnostics;

namespace Parley.Bench.Load;

/// <summary>
/// An open-loop schedule: message n is due at start + n / rate, whether or not earlier ones have been
/// answered. Latency is measured from that scheduled moment, so a node that stalls cannot hide the
/// queueing it causes (no coordinated omission). The loop wakes about every millisecond and issues
/// everything due, so a message may leave up to a timer tick after its schedule: that delay counts
/// against the node's latency, never in its favour.
/// </summary>
public static class OpenLoop
{
    public static async Task RunAsync(double ratePerSecond, TimeSpan duration, Action<long, long> issue, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)(ratePerSecond * duration.TotalSeconds);
        var ticksPerMessage = Stopwatch.Frequency / ratePerSecond;
        long issued = 0;
        while (issued < total)
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * ratePerSecond) + 1);
            for (; issued < due; issued++)
            {
                issue(issued, start + (long)(issued * ticksPerMessage));
            }
            await Task.Delay(1, cancellationToken);
        }
    }
}
