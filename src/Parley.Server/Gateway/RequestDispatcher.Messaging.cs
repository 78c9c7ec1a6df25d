using Parley.Grains.Conversations;
using Parley.Protocol;
using Parley.Storage;
using ConversationKind = Parley.Storage.ConversationKind;
using DevicePayload = Parley.Storage.DevicePayload;
using MemberRole = Parley.Storage.MemberRole;

namespace Parley.Server.Gateway;

public sealed partial class RequestDispatcher
{
    private async Task<Response> SendAsync(SessionIdentity caller, SendMessage send)
    {
        var command = ValidateSend(caller, send, out var conversationId);
        using var lease = _sendLimiter.AttemptAcquire(caller.AccountId);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMilliseconds(100);
            throw new RequestException(ErrorCode.RateLimited, "too many messages; slow down", (uint)Math.Ceiling(wait.TotalMilliseconds));
        }
        var result = await Conversation(conversationId).Send(command);
        ThrowIfFailed(result.Error, result.Message);
        return new Response
        {
            Send = new Protocol.SendResult { ConversationId = conversationId, Seq = result.Seq, Timestamp = result.Timestamp, Duplicate = result.Duplicate },
        };
    }

    private SendCommand ValidateSend(SessionIdentity caller, SendMessage send, out string conversationId)
    {
        Guid? peer = null;
        switch (send.ToCase)
        {
            case SendMessage.ToOneofCase.ConversationId:
                conversationId = ParseConversationId(send.ConversationId);
                break;
            case SendMessage.ToOneofCase.PeerAccountId:
                peer = ParseAccountId(send.PeerAccountId, "peer_account_id");
                conversationId = ConversationIds.Direct(caller.AccountId, peer.Value);
                break;
            default:
                throw Invalid("a send needs a conversation_id or a peer_account_id");
        }
        if (send.ClientMessageId.Length != WireProtocol.ClientMessageIdLength)
        {
            throw Invalid($"client_message_id must be {WireProtocol.ClientMessageIdLength} bytes");
        }
        var hasPayload = !send.Payload.IsEmpty;
        var hasDevicePayloads = send.DevicePayloads.Count > 0;
        if (hasPayload == hasDevicePayloads)
        {
            throw Invalid("a send carries either a payload or device_payloads (one per device), not both and not neither");
        }
        DevicePayload[]? devicePayloads = null;
        var size = send.Payload.Length;
        if (hasDevicePayloads)
        {
            var seen = new HashSet<(Guid, uint)>();
            devicePayloads = new DevicePayload[send.DevicePayloads.Count];
            for (var i = 0; i < devicePayloads.Length; i++)
            {
                var item = send.DevicePayloads[i];
                var account = ParseAccountId(item.AccountId, "device_payloads.account_id");
                if (item.DeviceId == 0 || item.Payload.IsEmpty || !seen.Add((account, item.DeviceId)))
                {
                    throw Invalid("each device payload names a device (non-zero id) once and carries bytes");
                }
                devicePayloads[i] = new DevicePayload(account, item.DeviceId, item.Payload.ToByteArray());
                size += item.Payload.Length;
            }
        }
        if (size > ConversationOptions.MaxPayloadBytes)
        {
            throw new RequestException(ErrorCode.LimitExceeded, $"a message carries at most {ConversationOptions.MaxPayloadBytes} bytes of payload");
        }
        return new SendCommand(
            caller.AccountId, caller.DeviceId, send.ClientMessageId.ToByteArray(), send.Retry,
            hasPayload ? send.Payload.ToByteArray() : null, devicePayloads, peer);
    }

    private async Task<Response> MarkReadAsync(SessionIdentity caller, MarkRead read)
    {
        ThrowIfFailed(await Conversation(ParseConversationId(read.ConversationId)).MarkRead(caller.AccountId, read.Seq), "");
        return Ok();
    }

    private async Task<Response> SetTypingAsync(SessionIdentity caller, SetTyping typing)
    {
        ThrowIfFailed(await Conversation(ParseConversationId(typing.ConversationId)).Typing(caller.AccountId, caller.DeviceId, typing.Typing), "");
        return Ok();
    }

    private async Task<Response> GetConversationAsync(SessionIdentity caller, GetConversation get)
    {
        var view = await Conversation(ParseConversationId(get.ConversationId)).Get(caller.AccountId)
            ?? throw NotFound("no such conversation");
        return new Response { Conversation = ToWire(view) };
    }

    private async Task<Response> ListConversationsAsync(SessionIdentity caller)
    {
        var ids = await conversations.ListConversationIdsAsync(caller.AccountId);
        var views = await Task.WhenAll(ids.Select(id => Conversation(id).Get(caller.AccountId)));
        var list = new ConversationList();
        list.Conversations.AddRange(views.OfType<ConversationView>().Select(ToWire));
        return new Response { Conversations = list };
    }

    private static Protocol.Conversation ToWire(ConversationView view)
    {
        var wire = new Protocol.Conversation
        {
            Id = view.Id,
            Kind = view.Kind == ConversationKind.Group ? Protocol.ConversationKind.Group : Protocol.ConversationKind.Direct,
            Name = view.Name,
            HeadSeq = view.HeadSeq,
        };
        wire.Members.AddRange(view.Members.Select(m => new Member
        {
            AccountId = m.AccountId.ToString(),
            PhoneNumber = m.PhoneNumber,
            Role = m.Role == MemberRole.Admin ? Protocol.MemberRole.Admin : Protocol.MemberRole.Member,
            DeliveredSeq = m.DeliveredSeq,
            ReadSeq = m.ReadSeq,
        }));
        return wire;
    }
}
