namespace Parley.Client.Ephemeral;

/// <summary>Whether an account is online, and when it was last seen (unless it hides that).</summary>
public sealed record PresenceState(string AccountId, bool Online, DateTimeOffset? LastSeen, bool LastSeenHidden)
{
    public static PresenceState From(Parley.Protocol.Presence presence) => new(
        presence.AccountId,
        presence.Online,
        presence.LastSeenMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)presence.LastSeenMs) : null,
        presence.LastSeenHidden);
}

/// <summary>The latest presence of the accounts the device follows.</summary>
public sealed class PresenceBook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PresenceState> _states = new(StringComparer.Ordinal);

    /// <summary>Records a presence; returns the new state, or null when nothing changed.</summary>
    public PresenceState? Update(Parley.Protocol.Presence presence)
    {
        var state = PresenceState.From(presence);
        lock (_lock)
        {
            if (_states.TryGetValue(state.AccountId, out var known) && known == state)
            {
                return null;
            }
            _states[state.AccountId] = state;
            return state;
        }
    }

    public PresenceState? Get(string accountId)
    {
        lock (_lock)
        {
            return _states.GetValueOrDefault(accountId);
        }
    }
}
