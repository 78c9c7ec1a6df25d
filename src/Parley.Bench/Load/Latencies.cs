using System.Diagnostics;
using HdrHistogram;

namespace Parley.Bench.Load;

/// <summary>A thread-safe latency histogram (HdrHistogram, microsecond resolution, up to an hour).</summary>
public sealed class Latencies
{
    private readonly LongHistogram _histogram = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly Lock _lock = new();

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    /// <summary>Records the time from <paramref name="fromTicks"/> (a Stopwatch timestamp) to now.</summary>
    public void RecordSince(long fromTicks)
    {
        var micros = Math.Max(0, (long)Stopwatch.GetElapsedTime(fromTicks).TotalMicroseconds);
        lock (_lock)
        {
            _histogram.RecordValue(Math.Min(micros, _histogram.HighestTrackableValue));
        }
    }

    /// <summary>The latency at a percentile, in milliseconds (null when nothing was recorded).</summary>
    public double? Milliseconds(double percentile)
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0 ? null : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        }
    }
}
