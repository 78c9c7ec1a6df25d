namespace Parley.Client.Ephemeral;

/// <summary>
/// Turns keystrokes into typing notices worth sending: "typing" once, then again only every
/// <see cref="Refresh"/> while the user keeps typing (the node shows an indicator for a few seconds
/// unless it is refreshed), and "stopped" only when "typing" was said.
/// </summary>
public sealed class TypingThrottle(TimeSpan refresh)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);

    /// <summary>The longest time between two "typing" notices during continuous typing.</summary>
    public TimeSpan Refresh { get; } = refresh;

    /// <summary>A keystroke at <paramref name="now"/>: true when a "typing" notice should go out.</summary>
    public bool Keystroke(string conversationId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_lastSent.TryGetValue(conversationId, out var last) && now - last < Refresh)
            {
                return false;
            }
            _lastSent[conversationId] = now;
            return true;
        }
    }

    /// <summary>The user stopped (sent the message, cleared the line): true when a "stopped" notice should go out.</summary>
    public bool Stop(string conversationId)
    {
        lock (_lock)
        {
            return _lastSent.Remove(conversationId);
        }
    }
}
