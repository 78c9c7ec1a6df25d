namespace Parley.Crypto;

/// <summary>Key bytes are malformed (wrong type byte or length, not a point on the curve) or unusable.</summary>
public sealed class InvalidKeyException : ProtocolException
{
    public InvalidKeyException(string message) : base(message) { }

    public InvalidKeyException(string message, Exception inner) : base(message, inner) { }
}
