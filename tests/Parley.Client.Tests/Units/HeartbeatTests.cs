using Parley.Client.Connections;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class HeartbeatTests
{
    private static readonly HeartbeatPolicy NodeDefaults = new() { MinIntervalMs = 5_000, MaxIntervalMs = 60_000, TimeoutMs = 150_000 };

    [Fact]
    public void The_interval_starts_at_the_minimum_and_doubles_after_each_run_of_answered_pings_up_to_the_maximum()
    {
        var heartbeat = new Heartbeat(NodeDefaults);
        var intervals = new List<double> { heartbeat.Interval.TotalSeconds };
        for (var i = 0; i < 18; i++)
        {
            heartbeat.Answered(TimeSpan.FromMilliseconds(20));
            intervals.Add(heartbeat.Interval.TotalSeconds);
        }

        Assert.Equal([5, 5, 5, 10, 10, 10, 20, 20, 20, 40, 40, 40, 50, 50, 50, 50, 50, 50, 50], intervals);
    }

    [Fact]
    public void The_interval_never_exceeds_a_third_of_the_nodes_timeout_nor_its_maximum()
    {
        var heartbeat = new Heartbeat(new HeartbeatPolicy { MinIntervalMs = 1_000, MaxIntervalMs = 60_000, TimeoutMs = 9_000 });
        for (var i = 0; i < 30; i++)
        {
            heartbeat.Answered(TimeSpan.FromMilliseconds(5));
        }
        Assert.Equal(TimeSpan.FromSeconds(3), heartbeat.Interval);

        var roomy = new Heartbeat(new HeartbeatPolicy { MinIntervalMs = 1_000, MaxIntervalMs = 4_000, TimeoutMs = 600_000 });
        for (var i = 0; i < 30; i++)
        {
            roomy.Answered(TimeSpan.FromMilliseconds(5));
        }
        Assert.Equal(TimeSpan.FromSeconds(4), roomy.Interval);
    }

    [Fact]
    public void A_missed_pong_drops_the_interval_to_the_minimum_and_two_in_a_row_give_the_connection_up()
    {
        var heartbeat = new Heartbeat(NodeDefaults);
        for (var i = 0; i < 9; i++)
        {
            heartbeat.Answered(TimeSpan.FromMilliseconds(20));
        }
        Assert.Equal(TimeSpan.FromSeconds(40), heartbeat.Interval);

        Assert.False(heartbeat.Missed());
        Assert.Equal(TimeSpan.FromSeconds(5), heartbeat.Interval);
        heartbeat.Answered(TimeSpan.FromMilliseconds(20)); // an answer in between resets the count
        Assert.False(heartbeat.Missed());
        Assert.True(heartbeat.Missed());
    }

    [Fact]
    public void The_pong_wait_follows_the_smoothed_round_trip_within_bounds()
    {
        var heartbeat = new Heartbeat(NodeDefaults);
        Assert.Equal(Heartbeat.InitialPongWait, heartbeat.PongWait);

        heartbeat.Answered(TimeSpan.FromMilliseconds(10));
        Assert.Equal(Heartbeat.MinPongWait, heartbeat.PongWait); // 4 × 10 ms is below the floor

        for (var i = 0; i < 40; i++)
        {
            heartbeat.Answered(TimeSpan.FromMilliseconds(800));
        }
        Assert.InRange(heartbeat.RoundTrip!.Value.TotalMilliseconds, 750, 800);
        Assert.InRange(heartbeat.PongWait.TotalMilliseconds, 3_000, 3_200);

        for (var i = 0; i < 40; i++)
        {
            heartbeat.Answered(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(Heartbeat.MaxPongWait, heartbeat.PongWait);
    }
}
