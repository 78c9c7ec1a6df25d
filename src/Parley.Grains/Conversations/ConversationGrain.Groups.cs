namespace Parley.Grains.Conversations;

public sealed partial class ConversationGrain
{
    public async Task<GroupResult> CreateGroup(Guid creator, uint device, string name, Guid[] members)
    {
        if (await UnknownAccountAsync(members) is { } unknown)
        {
            return unknown;
        }
        return await ApplyAsync(creator, _conversation.CreateGroup(creator, device, name, members, Options.MaxGroupMembers, NowMs));
    }

    public async Task<GroupResult> AddMembers(Guid by, uint device, Guid[] accounts)
    {
        if (await UnknownAccountAsync(accounts) is { } unknown)
        {
            return unknown;
        }
        return await ApplyAsync(by, _conversation.AddMembers(by, device, accounts, Options.MaxGroupMembers, NowMs));
    }

    public Task<GroupResult> RemoveMember(Guid by, uint device, Guid account) =>
        ApplyAsync(by, _conversation.RemoveMember(by, device, account, NowMs));

    public Task<GroupResult> PromoteMember(Guid by, uint device, Guid account) =>
        ApplyAsync(by, _conversation.PromoteMember(by, device, account, NowMs));

    public Task<GroupResult> Leave(Guid by, uint device) =>
        ApplyAsync(by, _conversation.Leave(by, device, NowMs));

    /// <summary>Commits and fans out what a membership operation appended, in order; answers with the caller's view.</summary>
    private async Task<GroupResult> ApplyAsync(Guid caller, Outcome outcome)
    {
        if (outcome.Error != ConversationError.None)
        {
            return new GroupResult(outcome.Error, outcome.Message, null);
        }
        if (_broken)
        {
            return new GroupResult(ConversationError.Unavailable, "the conversation could not store the change; retry", null);
        }
        // Start every commit at once (they batch together and commit in order), then deliver in order.
        var commits = outcome.Appends.Select(CommitAsync).ToList();
        foreach (var (append, commit) in outcome.Appends.Zip(commits))
        {
            if (!await commit)
            {
                return new GroupResult(ConversationError.Unavailable, "the conversation could not store the change; retry", null);
            }
            Deliver(append.Entry);
        }
        return new GroupResult(ConversationError.None, "", await Get(caller));
    }

    private async Task<GroupResult?> UnknownAccountAsync(IReadOnlyCollection<Guid> accountIds)
    {
        var known = await accounts.GetPhoneNumbersAsync(accountIds);
        foreach (var (account, phone) in known)
        {
            _phoneNumbers[account] = phone;
        }
        var unknown = accountIds.FirstOrDefault(a => !known.ContainsKey(a));
        return unknown == Guid.Empty && known.Count == accountIds.Distinct().Count()
            ? null
            : new GroupResult(ConversationError.NotFound, $"no account {unknown}", null);
    }
}
