using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Grains;

/// <summary>
/// Ready-made server frames for pushes that reach many devices alike (receipts, typing, presence):
/// serialized once by the actor, written as they are by every connection.
/// </summary>
public static class PushFrames
{
    public static byte[] Receipt(string conversationId, Guid accountId, ReceiptKind kind, ulong upToSeq) => Frame(new Push
    {
        Receipt = new Receipt { ConversationId = conversationId, AccountId = accountId.ToString(), Kind = kind, UpToSeq = upToSeq },
    });

    public static byte[] Typing(string conversationId, Guid accountId, uint deviceId, bool typing, TimeSpan expiresIn) => Frame(new Push
    {
        Typing = new Typing
        {
            ConversationId = conversationId,
            AccountId = accountId.ToString(),
            DeviceId = deviceId,
            Typing_ = typing,
            ExpiresInMs = (uint)expiresIn.TotalMilliseconds,
        },
    });

    public static byte[] Presence(Protocol.Presence presence) => Frame(new Push { Presence = presence });

    private static byte[] Frame(Push push) => new ServerFrame { Push = push }.ToByteArray();
}
