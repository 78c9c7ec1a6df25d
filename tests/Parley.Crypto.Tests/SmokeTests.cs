namespace Parley.Crypto.Tests;

public class SmokeTests
{
    [Fact]
    public void Project_builds_and_runs() => Assert.Equal(2, 1 + 1);
}
