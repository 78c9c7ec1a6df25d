using Parley.Client.Connections;

namespace Parley.Client.Tests.Units;

public sealed class BackoffTests
{
    private readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), new Random(7));

    [Fact]
    public void The_ceiling_doubles_per_attempt_up_to_the_maximum()
    {
        Assert.Equal(
            [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000],
            Enumerable.Range(0, 9).Select(a => _backoff.Ceiling(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(30), _backoff.Ceiling(10_000));
    }

    [Fact]
    public void Every_delay_lies_between_half_the_ceiling_and_the_ceiling_and_they_are_spread()
    {
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var delays = Enumerable.Range(0, 200).Select(_ => _backoff.Delay(attempt)).ToList();
            var ceiling = _backoff.Ceiling(attempt);
            Assert.All(delays, d => Assert.InRange(d, ceiling / 2, ceiling));
            Assert.True(delays.Distinct().Count() > 150, "jitter spreads the delays of many devices");
        }
    }

    [Fact]
    public void A_maximum_below_the_initial_delay_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }
}
