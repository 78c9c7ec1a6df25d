using Parley.Protocol;

namespace Parley.Client.Connections;

/// <summary>
/// When to ping and how long to wait for the pong, adapted to what the connection shows. The interval
/// starts at the node's minimum and doubles after every few pongs in a row, up to the node's maximum
/// (and never beyond a third of the node's timeout, so one lost ping cannot cost the connection). A
/// missed pong drops it back to the minimum; two in a row mean the connection is dead. The pong wait
/// follows the smoothed round trip (as TCP's retransmission timer does), within fixed bounds.
/// </summary>
public sealed class Heartbeat
{
    /// <summary>Pongs in a row after which the interval doubles.</summary>
    public const int StableAfter = 3;

    /// <summary>Missed pongs in a row after which the connection counts as dead.</summary>
    public const int DeadAfter = 2;

    public static readonly TimeSpan MinPongWait = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxPongWait = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan InitialPongWait = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _min;
    private readonly TimeSpan _ceiling;
    private int _successes;
    private int _misses;

    public Heartbeat(HeartbeatPolicy policy)
    {
        _min = TimeSpan.FromMilliseconds(Math.Max(1, policy.MinIntervalMs));
        var max = TimeSpan.FromMilliseconds(Math.Max(policy.MinIntervalMs, policy.MaxIntervalMs));
        var third = TimeSpan.FromMilliseconds(policy.TimeoutMs / 3.0);
        _ceiling = policy.TimeoutMs > 0 && third < max ? (third < _min ? _min : third) : max;
        Interval = _min;
    }

    /// <summary>How long to wait after a pong before the next ping.</summary>
    public TimeSpan Interval { get; private set; }

    /// <summary>The smoothed round trip, once a pong has been measured.</summary>
    public TimeSpan? RoundTrip { get; private set; }

    /// <summary>How long to wait for a pong before counting it as missed.</summary>
    public TimeSpan PongWait => RoundTrip is { } rtt
        ? TimeSpan.FromTicks(Math.Clamp(rtt.Ticks * 4, MinPongWait.Ticks, MaxPongWait.Ticks))
        : InitialPongWait;

    /// <summary>A pong came back after <paramref name="roundTrip"/>.</summary>
    public void Answered(TimeSpan roundTrip)
    {
        RoundTrip = RoundTrip is { } smoothed ? smoothed * 7 / 8 + roundTrip / 8 : roundTrip;
        _misses = 0;
        if (++_successes >= StableAfter)
        {
            _successes = 0;
            Interval = Interval * 2 > _ceiling ? _ceiling : Interval * 2;
        }
    }

    /// <summary>No pong within <see cref="PongWait"/>. Returns true when the connection should be given up.</summary>
    public bool Missed()
    {
        _successes = 0;
        Interval = _min;
        return ++_misses >= DeadAfter;
    }
}
