namespace Parley.Client;

/// <summary>Whom a message goes to: a conversation (1:1 or group), or an account (the 1:1 with it, created by the first message).</summary>
public sealed record Recipient
{
    private Recipient(string? conversationId, string? accountId)
    {
        ConversationId = conversationId;
        AccountId = accountId;
    }

    public string? ConversationId { get; }

    public string? AccountId { get; }

    public static Recipient Conversation(string conversationId) =>
        IsConversationId(conversationId) ? new(conversationId, null) : throw new ArgumentException($"'{conversationId}' is not a conversation id (d_… or g_…)", nameof(conversationId));

    public static Recipient Account(string accountId) =>
        Guid.TryParse(accountId, out _) ? new(null, accountId) : throw new ArgumentException($"'{accountId}' is not an account id", nameof(accountId));

    /// <summary>Whether the text has the shape of a conversation id: "d_" or "g_" and 22 base64url characters.</summary>
    public static bool IsConversationId(string text) =>
        text.Length == 24 && (text.StartsWith("d_", StringComparison.Ordinal) || text.StartsWith("g_", StringComparison.Ordinal))
        && text.AsSpan(2).ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") is false;

    public override string ToString() => ConversationId ?? AccountId ?? "";
}
