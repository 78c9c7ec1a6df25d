namespace Parley.Crypto;

/// <summary>A message is malformed or was tampered with: it does not parse, its MAC or signature does not
/// verify, its padding is wrong, or it claims a position the receiver cannot reach (too far ahead, or
/// on a ratchet chain the session has already discarded).</summary>
public class InvalidMessageException : ProtocolException
{
    public InvalidMessageException(string message) : base(message) { }

    public InvalidMessageException(string message, Exception inner) : base(message, inner) { }
}
