using Parley.Grains.Conversations;
using Parley.Protocol;

namespace Parley.Server.Gateway;

public sealed partial class RequestDispatcher
{
    private async Task<Response> CreateGroupAsync(SessionIdentity caller, CreateGroup create)
    {
        var name = create.Name.Trim();
        if (name.Length is 0 or > ConversationOptions.MaxGroupNameLength || name.Any(char.IsControl))
        {
            throw Invalid($"a group name is 1 to {ConversationOptions.MaxGroupNameLength} printable characters");
        }
        var members = create.MemberAccountIds.Select(id => ParseAccountId(id, "member_account_ids")).ToArray();
        if (members.Distinct().Count() + 1 > ConversationOptions.MaxGroupMembers)
        {
            throw new RequestException(ErrorCode.LimitExceeded, $"a group has at most {ConversationOptions.MaxGroupMembers} members");
        }
        return ToResponse(await Conversation(ConversationIds.NewGroup()).CreateGroup(caller.AccountId, caller.DeviceId, name, members));
    }

    private async Task<Response> AddMembersAsync(SessionIdentity caller, AddMembers add)
    {
        var accounts = add.AccountIds.Select(id => ParseAccountId(id, "account_ids")).ToArray();
        if (accounts.Length == 0)
        {
            throw Invalid("account_ids is empty");
        }
        return ToResponse(await Conversation(ParseConversationId(add.ConversationId)).AddMembers(caller.AccountId, caller.DeviceId, accounts));
    }

    private async Task<Response> RemoveMemberAsync(SessionIdentity caller, RemoveMember remove) =>
        ToResponse(await Conversation(ParseConversationId(remove.ConversationId))
            .RemoveMember(caller.AccountId, caller.DeviceId, ParseAccountId(remove.AccountId, "account_id")));

    private async Task<Response> PromoteMemberAsync(SessionIdentity caller, PromoteMember promote) =>
        ToResponse(await Conversation(ParseConversationId(promote.ConversationId))
            .PromoteMember(caller.AccountId, caller.DeviceId, ParseAccountId(promote.AccountId, "account_id")));

    private async Task<Response> LeaveGroupAsync(SessionIdentity caller, LeaveGroup leave)
    {
        var result = await Conversation(ParseConversationId(leave.ConversationId)).Leave(caller.AccountId, caller.DeviceId);
        ThrowIfFailed(result.Error, result.Message);
        return Ok();
    }

    private static Response ToResponse(GroupResult result)
    {
        ThrowIfFailed(result.Error, result.Message);
        return new Response { Conversation = ToWire(result.View!) };
    }
}
