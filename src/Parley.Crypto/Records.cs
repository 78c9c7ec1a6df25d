using Google.Protobuf;

namespace Parley.Crypto;

/// <summary>Parsing of Parley's protobuf records and wire messages with one clear error.</summary>
internal static class Records
{
    internal static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidMessageException($"The {what} does not parse.", e);
        }
    }

    internal static void CheckFormat(uint actual, uint expected, string what)
    {
        if (actual != expected)
        {
            throw new UnsupportedVersionException($"The {what} has record format {actual}; this library reads format {expected}.");
        }
    }
}
