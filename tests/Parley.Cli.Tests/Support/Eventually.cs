namespace Parley.Cli.Tests.Support;

/// <summary>Polls a condition until a deadline: for what arrives at its own pace (receipts, screens).</summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}; last seen:\n{value}");
            }
            await Task.Delay(100);
        }
    }
}
