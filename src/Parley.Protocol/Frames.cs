using Google.Protobuf;

namespace Parley.Protocol;

/// <summary>Short constructors for the frames both sides build often.</summary>
public static class Frames
{
    public static ServerFrame Error(ErrorCode code, string message) =>
        new() { Error = new Error { Code = code, Message = message } };

    public static ServerFrame Response(ulong id, Error error) =>
        new() { Response = new Response { Id = id, Error = error } };

    public static ServerFrame Push(Push push) => new() { Push = push };

    public static Error ErrorBody(ErrorCode code, string message, uint retryAfterMs = 0) =>
        new() { Code = code, Message = message, RetryAfterMs = retryAfterMs };

    /// <summary>
    /// Decodes one client frame. Returns null when the bytes are not a valid frame or carry no body
    /// (an empty oneof would be indistinguishable from garbage that happens to parse).
    /// </summary>
    public static ClientFrame? TryParseClientFrame(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var frame = ClientFrame.Parser.ParseFrom(bytes);
            return frame.BodyCase == ClientFrame.BodyOneofCase.None ? null : frame;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Decodes one server frame; the client-side twin of <see cref="TryParseClientFrame"/>.</summary>
    public static ServerFrame? TryParseServerFrame(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var frame = ServerFrame.Parser.ParseFrom(bytes);
            return frame.BodyCase == ServerFrame.BodyOneofCase.None ? null : frame;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
