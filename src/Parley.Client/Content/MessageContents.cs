using Google.Protobuf;

namespace Parley.Client.Content;

/// <summary>Builds the content of each kind of message, and reads it back.</summary>
public static class MessageContents
{
    public static MessageContent Text(string body, byte[]? replyTo = null) => new()
    {
        Text = new Text { Body = body, ReplyTo = replyTo is null ? null : Ref(replyTo) },
    };

    public static MessageContent Edit(byte[] target, string body) => new() { Edit = new Edit { Target = Ref(target), Body = body } };

    public static MessageContent Delete(byte[] target) => new() { Delete = new Delete { Target = Ref(target) } };

    public static MessageContent Reaction(byte[] target, string emoji) => new() { Reaction = new Reaction { Target = Ref(target), Emoji = emoji } };

    /// <summary>Decodes content; null when the bytes are not content this client understands.</summary>
    public static MessageContent? TryParse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var content = MessageContent.Parser.ParseFrom(bytes);
            return content.BodyCase == MessageContent.BodyOneofCase.None ? null : content;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static MessageRef Ref(byte[] clientMessageId) => new() { ClientMessageId = ByteString.CopyFrom(clientMessageId) };
}
