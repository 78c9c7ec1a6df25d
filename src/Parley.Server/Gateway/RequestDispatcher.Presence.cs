using Parley.Grains.Accounts;
using Parley.Protocol;

namespace Parley.Server.Gateway;

public sealed partial class RequestDispatcher
{
    private const int MaxPresenceTargetsPerRequest = 256;

    private async Task<Response> LookupAccountAsync(LookupAccount lookup)
    {
        if (!PhoneNumber.TryParse(lookup.PhoneNumber, out var phone))
        {
            throw Invalid("phone_number is not an E.164 number");
        }
        var id = await accounts.FindAccountIdAsync(phone.Value) ?? throw NotFound("no account has this number");
        return new Response { Account = new Protocol.Account { AccountId = id.ToString(), PhoneNumber = phone.Value } };
    }

    /// <summary>
    /// Subscribes the connection to the presence of accounts it shares a conversation with and
    /// answers with their current presence. Accounts it may not see are left out of the answer,
    /// exactly like accounts that do not exist.
    /// </summary>
    private async Task<Response> SubscribePresenceAsync(DeviceSession session, SubscribePresence subscribe)
    {
        if (subscribe.AccountIds.Count > MaxPresenceTargetsPerRequest)
        {
            throw new RequestException(ErrorCode.LimitExceeded, $"at most {MaxPresenceTargetsPerRequest} accounts per request");
        }
        var caller = session.Identity!;
        var list = new PresenceList();
        foreach (var target in subscribe.AccountIds.Select(id => ParseAccountId(id, "account_ids")).Distinct())
        {
            if (target == caller.AccountId || !await conversations.ShareConversationAsync(caller.AccountId, target))
            {
                continue;
            }
            if (!session.TrackPresence(target))
            {
                throw new RequestException(ErrorCode.LimitExceeded, $"a connection may follow the presence of at most {gatewayOptions.Value.MaxPresenceSubscriptions} accounts");
            }
            if (await Account(target).WatchPresence(session.Id, session.Reference!) is { } state)
            {
                list.Presence.Add(new Presence
                {
                    AccountId = state.AccountId.ToString(),
                    Online = state.Online,
                    LastSeenMs = (ulong)state.LastSeenMs,
                    LastSeenHidden = state.LastSeenHidden,
                });
            }
        }
        return new Response { Presence = list };
    }

    private async Task<Response> SetPrivacyAsync(SessionIdentity caller, SetPrivacy privacy)
    {
        await Account(caller).SetPrivacy(privacy.HideLastSeen);
        return Ok();
    }
}
