using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>Reads the TO of a verb: a phone number (+…), a conversation id (d_…, g_…) or an account id.</summary>
public static class Targets
{
    public static async Task<Recipient> ResolveAsync(ParleyClient client, string to, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ResolveAsync(to, cancellationToken);
        }
        catch (ParleyException error) when (error.Code == ErrorCode.NotFound)
        {
            throw new CliException($"no account has the number {to}");
        }
        catch (ParleyException error) when (error.Code == ErrorCode.InvalidRequest)
        {
            throw new CliException(error.Message);
        }
    }

    /// <summary>The conversation TO names: itself, or the 1:1 with the account of a phone number.</summary>
    public static async Task<string> ConversationAsync(ParleyClient client, string to, CancellationToken cancellationToken)
    {
        var recipient = await ResolveAsync(client, to, cancellationToken);
        if (recipient.ConversationId is { } id)
        {
            return await client.GetConversationAsync(id, cancellationToken) is not null
                ? id
                : throw new CliException($"no such conversation on this device: {id}");
        }
        var peer = recipient.AccountId!;
        foreach (var conversation in await client.GetConversationsAsync(cancellationToken))
        {
            if (conversation.Kind == ConversationKind.Direct
                && conversation.Members.Any(m => m.AccountId == peer)
                && conversation.Members.All(m => m.AccountId == peer || m.AccountId == client.AccountId))
            {
                return conversation.Id;
            }
        }
        throw new CliException($"no conversation with {to} yet (send a message first)");
    }

    /// <summary>Account ids of phone numbers (or account ids as they are).</summary>
    public static async Task<List<string>> AccountsAsync(ParleyClient client, IEnumerable<string> people, CancellationToken cancellationToken)
    {
        var accounts = new List<string>();
        foreach (var person in people)
        {
            var recipient = await ResolveAsync(client, person, cancellationToken);
            accounts.Add(recipient.AccountId ?? throw new CliException($"{person} is a conversation, not a person"));
        }
        return accounts;
    }
}
