namespace Parley.Crypto;

/// <summary>A message refers to a prekey this device does not hold (never had, or already consumed:
/// typically a replayed first message).</summary>
public sealed class InvalidKeyIdException : ProtocolException
{
    public InvalidKeyIdException(string message) : base(message) { }
}
