using Parley.Grains.Accounts;

namespace Parley.Grains.Tests;

public class ConnectionRegistryTests
{
    [Fact]
    public void A_device_holds_at_most_its_limit_and_a_closed_connection_frees_a_place()
    {
        var registry = new ConnectionRegistry<string>();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        Assert.True(registry.TryAdd(1, a, "a", maxPerDevice: 2));
        Assert.True(registry.TryAdd(1, b, "b", maxPerDevice: 2));
        Assert.False(registry.TryAdd(1, c, "c", maxPerDevice: 2));
        Assert.True(registry.TryAdd(2, c, "c", maxPerDevice: 2));

        Assert.True(registry.Remove(1, a));
        Assert.True(registry.TryAdd(1, c, "c", maxPerDevice: 2));
        Assert.Equal(3, registry.Count);
    }

    [Fact]
    public void Removing_a_device_returns_all_its_connections_and_leaves_the_others()
    {
        var registry = new ConnectionRegistry<string>();
        registry.TryAdd(1, Guid.NewGuid(), "a", 5);
        registry.TryAdd(1, Guid.NewGuid(), "b", 5);
        registry.TryAdd(2, Guid.NewGuid(), "c", 5);

        Assert.Equal(["a", "b"], registry.RemoveDevice(1).Select(c => c.Connection));
        Assert.False(registry.IsOnline(1));
        Assert.True(registry.IsOnline(2));
        Assert.Equal(1, registry.Count);
        Assert.Empty(registry.RemoveDevice(1));
    }

    [Fact]
    public void Adding_the_same_connection_twice_counts_it_once()
    {
        var registry = new ConnectionRegistry<string>();
        var id = Guid.NewGuid();
        registry.TryAdd(1, id, "a", 1);

        Assert.True(registry.TryAdd(1, id, "a", 1));
        Assert.Equal(1, registry.Count);
        Assert.False(registry.Remove(1, Guid.NewGuid()));
    }
}
