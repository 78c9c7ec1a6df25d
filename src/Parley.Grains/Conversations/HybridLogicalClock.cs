namespace Parley.Grains.Conversations;

/// <summary>
/// A conversation's hybrid logical clock: (Unix milliseconds &lt;&lt; 16) | a counter. Each
/// timestamp follows physical time where it can and is strictly greater than the one before, even
/// when the wall clock steps back or many entries share a millisecond.
/// </summary>
public sealed class HybridLogicalClock(ulong last)
{
    private const int CounterBits = 16;

    public ulong Last { get; private set; } = last;

    public ulong Next(long physicalMs)
    {
        Last = Math.Max(Last + 1, (ulong)physicalMs << CounterBits);
        return Last;
    }

    public static long ToUnixMilliseconds(ulong timestamp) => (long)(timestamp >> CounterBits);

    public static ulong FromUnixMilliseconds(long ms) => (ulong)ms << CounterBits;
}
