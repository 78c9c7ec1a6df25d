namespace Parley.Cli.Chat;

/// <summary>What wakes the chat's loop: a key, news from the client, or the outcome of something it started.</summary>
internal abstract record ChatInput
{
    public sealed record KeyPressed(ConsoleKeyInfo Key) : ChatInput;

    /// <summary>Something changed in the client (a message, ticks, typing, presence, the connection).</summary>
    public sealed record Changed : ChatInput;

    /// <summary>"/to …" found its conversation, or the person a new chat is with.</summary>
    public sealed record Opened(string? ConversationId, string? PeerAccountId, string Label) : ChatInput;

    /// <summary>Something the chat started failed; shown on the notice line.</summary>
    public sealed record Problem(string Message) : ChatInput;
}
