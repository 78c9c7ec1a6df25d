using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Grains;
using Parley.Grains.Accounts;
using Parley.Grains.Conversations;
using Parley.Protocol;
using Parley.Storage;

namespace Parley.Server.Gateway;

/// <summary>
/// Turns one request from an authenticated device into actor calls and a response. All validation
/// of request fields happens here, so actors receive well-formed commands. One partial file per
/// family of requests. Handlers throw <see cref="RequestException"/> for anything the caller did
/// wrong; any other exception becomes an INTERNAL error and is logged.
/// </summary>
public sealed partial class RequestDispatcher(
    Actors actors,
    IConversationStore conversations,
    IAccountStore accounts,
    IOptions<AccountOptions> accountOptions,
    IOptions<ConversationOptions> conversationOptions,
    IOptions<GatewayOptions> gatewayOptions,
    ILogger<RequestDispatcher> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _sendLimiter = PartitionedRateLimiter.Create<Guid, Guid>(account =>
        RateLimitPartition.GetTokenBucketLimiter(account, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = gatewayOptions.Value.SendBurst,
            TokensPerPeriod = Math.Max(1, gatewayOptions.Value.SendRatePerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            AutoReplenishment = false, // the partitioned limiter replenishes all buckets from one timer
            QueueLimit = 0,
        }));

    private ConversationOptions ConversationOptions => conversationOptions.Value;

    public Limits Limits(GatewayOptions gateway) => new()
    {
        MaxFrameBytes = (uint)gateway.MaxFrameBytes,
        MaxPayloadBytes = (uint)ConversationOptions.MaxPayloadBytes,
        MaxGroupMembers = (uint)ConversationOptions.MaxGroupMembers,
        MaxDevices = (uint)accountOptions.Value.MaxDevices,
        MaxRequestsInFlight = (uint)gateway.MaxRequestsInFlight,
    };

    /// <summary>
    /// The conversation a request is about, when its order relative to the connection's other
    /// requests about that conversation matters (sends, receipts, membership); null otherwise.
    /// </summary>
    public static string? OrderingKey(SessionIdentity caller, Request request) => request.BodyCase switch
    {
        Request.BodyOneofCase.Send => request.Send.ToCase == SendMessage.ToOneofCase.PeerAccountId
            ? Guid.TryParse(request.Send.PeerAccountId, out var peer) ? ConversationIds.Direct(caller.AccountId, peer) : null
            : request.Send.ConversationId,
        Request.BodyOneofCase.MarkRead => request.MarkRead.ConversationId,
        Request.BodyOneofCase.AddMembers => request.AddMembers.ConversationId,
        Request.BodyOneofCase.RemoveMember => request.RemoveMember.ConversationId,
        Request.BodyOneofCase.PromoteMember => request.PromoteMember.ConversationId,
        Request.BodyOneofCase.LeaveGroup => request.LeaveGroup.ConversationId,
        _ => null,
    };

    public async Task<Response> DispatchAsync(DeviceSession session, Request request)
    {
        var caller = session.Identity!;
        try
        {
            return request.BodyCase switch
            {
                Request.BodyOneofCase.Send => await SendAsync(caller, request.Send),
                Request.BodyOneofCase.MarkRead => await MarkReadAsync(caller, request.MarkRead),
                Request.BodyOneofCase.SetTyping => await SetTypingAsync(caller, request.SetTyping),
                Request.BodyOneofCase.GetConversation => await GetConversationAsync(caller, request.GetConversation),
                Request.BodyOneofCase.ListConversations => await ListConversationsAsync(caller),
                Request.BodyOneofCase.CreateGroup => await CreateGroupAsync(caller, request.CreateGroup),
                Request.BodyOneofCase.AddMembers => await AddMembersAsync(caller, request.AddMembers),
                Request.BodyOneofCase.RemoveMember => await RemoveMemberAsync(caller, request.RemoveMember),
                Request.BodyOneofCase.PromoteMember => await PromoteMemberAsync(caller, request.PromoteMember),
                Request.BodyOneofCase.LeaveGroup => await LeaveGroupAsync(caller, request.LeaveGroup),
                Request.BodyOneofCase.LookupAccount => await LookupAccountAsync(request.LookupAccount),
                Request.BodyOneofCase.SubscribePresence => await SubscribePresenceAsync(session, request.SubscribePresence),
                Request.BodyOneofCase.SetPrivacy => await SetPrivacyAsync(caller, request.SetPrivacy),
                Request.BodyOneofCase.ListDevices => await ListDevicesAsync(caller),
                Request.BodyOneofCase.RenameDevice => await RenameDeviceAsync(caller, request.RenameDevice),
                Request.BodyOneofCase.RevokeDevice => await RevokeDeviceAsync(caller, request.RevokeDevice),
                Request.BodyOneofCase.CreateLinkCode => await CreateLinkCodeAsync(caller),
                Request.BodyOneofCase.None => throw Invalid("the request has no body"),
                _ => throw Invalid($"{request.BodyCase} is not supported by this node"),
            };
        }
        catch (RequestException error)
        {
            return new Response { Error = Frames.ErrorBody(error.Code, error.Message, error.RetryAfterMs) };
        }
        catch (Exception error)
        {
            GatewayLog.RequestFailed(logger, request.BodyCase, caller.AccountId, caller.DeviceId, error);
            return new Response { Error = Frames.ErrorBody(ErrorCode.Internal, "the node failed to serve this request; it may be retried") };
        }
    }

    public void Dispose() => _sendLimiter.Dispose();

    private IAccountGrain Account(SessionIdentity caller) => actors.Account(caller.AccountId);

    private IAccountGrain Account(Guid accountId) => actors.Account(accountId);

    private IConversationGrain Conversation(string conversationId) => actors.Conversation(conversationId);

    private static RequestException Invalid(string message) => new(ErrorCode.InvalidRequest, message);

    private static RequestException NotFound(string message) => new(ErrorCode.NotFound, message);

    private static Response Ok() => new() { Ok = new Ok() };

    private static Guid ParseAccountId(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw Invalid($"{field} is not an account id");

    private static string ParseConversationId(string value) =>
        ConversationIds.IsWellFormed(value) ? value : throw Invalid("conversation_id is not a conversation id");

    /// <summary>Maps an actor's refusal to the request's error (nothing for success).</summary>
    private static void ThrowIfFailed(ConversationError error, string message)
    {
        if (error == ConversationError.None)
        {
            return;
        }
        throw new RequestException(error switch
        {
            ConversationError.NotFound => ErrorCode.NotFound,
            ConversationError.Forbidden => ErrorCode.Forbidden,
            ConversationError.Invalid => ErrorCode.InvalidRequest,
            ConversationError.LimitExceeded => ErrorCode.LimitExceeded,
            _ => ErrorCode.Unavailable,
        }, string.IsNullOrEmpty(message) ? "no such conversation" : message);
    }
}
