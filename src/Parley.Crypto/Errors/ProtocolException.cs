namespace Parley.Crypto;

/// <summary>The base of every error Parley.Crypto raises on purpose. Catch a subclass to tell
/// duplicates, tampering, missing sessions and untrusted identities apart.</summary>
public class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message) { }

    public ProtocolException(string message, Exception inner) : base(message, inner) { }
}
