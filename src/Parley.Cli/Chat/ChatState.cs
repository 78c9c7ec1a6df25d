using Parley.Client.Connections;
using Parley.Client.Ephemeral;
using Parley.Client.Messaging;
using Parley.Client.Storage;

namespace Parley.Cli.Chat;

/// <summary>Everything the chat screen shows, as of one moment.</summary>
internal sealed record ChatState
{
    public required string Me { get; init; }

    public required ConnectionStatus Connection { get; init; }

    /// <summary>When the connection entered its current state (for "reconnecting in 3 s").</summary>
    public DateTimeOffset ConnectionSince { get; init; }

    public IReadOnlyList<ChatListItem> Conversations { get; init; } = [];

    /// <summary>The open conversation's id, or null while a new chat with <see cref="NewChatWith"/> has no conversation yet.</summary>
    public string? Selected { get; init; }

    /// <summary>The person a new chat is with (their number), until its first message creates the conversation.</summary>
    public string? NewChatWith { get; init; }

    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Who is typing in the open conversation (names).</summary>
    public IReadOnlyList<string> Typing { get; init; } = [];

    /// <summary>The open conversation's peer's presence (1:1 only).</summary>
    public PresenceState? Presence { get; init; }

    public ConversationRecord? Conversation { get; init; }

    public string Input { get; init; } = "";

    /// <summary>A line for errors and hints.</summary>
    public string? Notice { get; init; }

    public DateTimeOffset Now { get; init; }
}

/// <summary>A row of the conversation list.</summary>
internal sealed record ChatListItem(string Id, string Title, int Unread, bool IsGroup);
