using System.Collections.Concurrent;
using Parley.Grains.Accounts;
using Parley.Grains.Conversations;

namespace Parley.Grains;

/// <summary>
/// References to Parley's actors, cached. Orleans resolves a grain's interface type by reflection on
/// every GetGrain call (measured at 12% of a node's CPU under load, plus the garbage it makes), and a
/// reference, once made, is immutable and valid for the grain's whole life, so hot paths ask here.
/// </summary>
public sealed class Actors(IGrainFactory grains)
{
    private const int Capacity = 200_000;

    private readonly ConcurrentDictionary<Guid, IAccountGrain> _accounts = new();
    private readonly ConcurrentDictionary<string, IConversationGrain> _conversations = new(StringComparer.Ordinal);

    public IAccountGrain Account(Guid accountId) => Get(_accounts, accountId, id => grains.GetGrain<IAccountGrain>(id));

    public IConversationGrain Conversation(string conversationId) => Get(_conversations, conversationId, id => grains.GetGrain<IConversationGrain>(id));

    private static TGrain Get<TKey, TGrain>(ConcurrentDictionary<TKey, TGrain> cache, TKey key, Func<TKey, TGrain> create)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var grain))
        {
            return grain;
        }
        if (cache.Count >= Capacity)
        {
            cache.Clear(); // a bound, not an eviction policy: references are cheap to make again
        }
        return cache.GetOrAdd(key, create);
    }
}
