namespace Parley.Crypto;

/// <summary>A signature in a prekey bundle does not verify against the bundle's identity key.</summary>
public sealed class InvalidSignatureException : ProtocolException
{
    public InvalidSignatureException(string message) : base(message) { }
}
