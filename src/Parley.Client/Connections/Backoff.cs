namespace Parley.Client.Connections;

/// <summary>
/// Delays between reconnection attempts: exponential (doubling from <see cref="Initial"/> up to
/// <see cref="Max"/>), with "equal jitter" — a random delay between half the ceiling and the ceiling —
/// so that the devices of a restarted node do not all come back in the same instant, and none
/// retries in a tight loop.
/// </summary>
public sealed class Backoff
{
    private readonly Random _random;

    public Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), "the initial delay must be positive and at most the maximum");
        }
        Initial = initial;
        Max = max;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The highest delay of attempt <paramref name="attempt"/> (0 for the first retry).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 62));
        return TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Initial.Ticks * factor));
    }

    /// <summary>The delay before retry number <paramref name="attempt"/>, between half the ceiling and the ceiling.</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Ceiling(attempt);
        return ceiling / 2 + ceiling / 2 * _random.NextDouble();
    }
}
