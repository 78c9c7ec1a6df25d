using Orleans.Concurrency;
using Parley.Storage;

namespace Parley.Grains.Conversations;

/// <summary>
/// One conversation (key: its id): the single writer of its log. It assigns every entry's seq and
/// timestamp, answers a send only once the entry is durably stored, fans entries out to the members,
/// and keeps the devices' cursors and the members' receipts.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    Task<SendResult> Send(SendCommand command);

    Task<GroupResult> CreateGroup(Guid creator, uint device, string name, Guid[] members);

    Task<GroupResult> AddMembers(Guid by, uint device, Guid[] accounts);

    Task<GroupResult> RemoveMember(Guid by, uint device, Guid account);

    Task<GroupResult> PromoteMember(Guid by, uint device, Guid account);

    Task<GroupResult> Leave(Guid by, uint device);

    /// <summary>The conversation as <paramref name="asker"/> may see it; null when it is not a current member (or there is none).</summary>
    Task<ConversationView?> Get(Guid asker);

    /// <summary>A device has stored every entry up to <paramref name="seq"/>.</summary>
    [OneWay]
    Task Ack(Guid account, uint device, ulong seq);

    /// <summary>The member has read up to <paramref name="seq"/>; answered once the receipt is durable.</summary>
    Task<ConversationError> MarkRead(Guid account, ulong seq);

    /// <summary>Tells the other members' online devices that this device is (or stopped) typing. Never stored.</summary>
    Task<ConversationError> Typing(Guid account, uint device, bool typing);
}

public enum ConversationError
{
    None,
    NotFound,
    Forbidden,
    Invalid,
    LimitExceeded,
    Unavailable,
}

/// <summary>A send. <see cref="Peer"/> is set when the sender addressed an account rather than a conversation (a 1:1, created on first send).</summary>
[GenerateSerializer, Immutable]
public sealed record SendCommand(
    [property: Id(0)] Guid Sender,
    [property: Id(1)] uint Device,
    [property: Id(2)] byte[] ClientMessageId,
    [property: Id(3)] bool Retry,
    [property: Id(4)] byte[]? Payload,
    [property: Id(5)] DevicePayload[]? DevicePayloads,
    [property: Id(6)] Guid? Peer);

[GenerateSerializer, Immutable]
public sealed record SendResult(
    [property: Id(0)] ConversationError Error,
    [property: Id(1)] string Message,
    [property: Id(2)] ulong Seq,
    [property: Id(3)] ulong Timestamp,
    [property: Id(4)] bool Duplicate)
{
    public static SendResult Fail(ConversationError error, string message) => new(error, message, 0, 0, false);
}

[GenerateSerializer, Immutable]
public sealed record GroupResult(
    [property: Id(0)] ConversationError Error,
    [property: Id(1)] string Message,
    [property: Id(2)] ConversationView? View);

[GenerateSerializer, Immutable]
public sealed record ConversationView(
    [property: Id(0)] string Id,
    [property: Id(1)] ConversationKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] ulong HeadSeq,
    [property: Id(4)] MemberView[] Members);

[GenerateSerializer, Immutable]
public sealed record MemberView(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string PhoneNumber,
    [property: Id(2)] MemberRole Role,
    [property: Id(3)] ulong DeliveredSeq,
    [property: Id(4)] ulong ReadSeq);
