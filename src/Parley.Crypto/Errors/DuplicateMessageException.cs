namespace Parley.Crypto;

/// <summary>The message was already decrypted once (a duplicate delivery or a replay). Its key is gone,
/// so it cannot be decrypted again; the session is unchanged.</summary>
public sealed class DuplicateMessageException : ProtocolException
{
    public DuplicateMessageException(string message) : base(message) { }
}
