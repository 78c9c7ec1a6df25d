using Parley.Client.Storage;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>What a conversation or person is called on screen.</summary>
public static class Names
{
    /// <summary>A group's name; for a 1:1 the other person's number ("you" for a note to self).</summary>
    public static string Of(ConversationRecord conversation, string self)
    {
        if (conversation.Kind == ConversationKind.Group)
        {
            return conversation.Name;
        }
        var other = conversation.Members.FirstOrDefault(m => m.AccountId != self);
        return other?.PhoneNumber is { Length: > 0 } phone ? phone : other is null && conversation.Members.Count > 0 ? "you (notes)" : conversation.Id;
    }

    /// <summary>A member's number, or a short account id when the device does not know it.</summary>
    public static string Person(ConversationRecord? conversation, string accountId) =>
        conversation?.Member(accountId)?.PhoneNumber is { Length: > 0 } phone ? phone : accountId[..Math.Min(8, accountId.Length)];
}
