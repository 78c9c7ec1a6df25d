using Parley.Protocol;

namespace Parley.Client.Ephemeral;

/// <summary>
/// Who is typing where. An indicator lasts until the typist says it stopped or until it expires
/// (the node's <c>expires_in_ms</c>), whichever comes first; a refresh extends it.
/// </summary>
public sealed class TypingBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Conversation, string Account, uint Device), DateTimeOffset> _until = [];

    /// <summary>Records a typing push received at <paramref name="now"/>; returns when the indicator expires (now when it stopped).</summary>
    public DateTimeOffset Update(Typing typing, DateTimeOffset now)
    {
        var key = (typing.ConversationId, typing.AccountId, typing.DeviceId);
        lock (_lock)
        {
            if (!typing.Typing_)
            {
                _until.Remove(key);
                return now;
            }
            var until = now + TimeSpan.FromMilliseconds(typing.ExpiresInMs);
            _until[key] = until;
            return until;
        }
    }

    /// <summary>The accounts typing in a conversation at <paramref name="now"/>.</summary>
    public IReadOnlyList<string> TypingIn(string conversationId, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var expired in _until.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _until.Remove(expired);
            }
            return _until.Keys.Where(k => k.Conversation == conversationId).Select(k => k.Account).Distinct().ToList();
        }
    }
}
