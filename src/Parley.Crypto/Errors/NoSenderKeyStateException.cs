namespace Parley.Crypto;

/// <summary>No sender key is known for this sender, distribution and chain: the sender's
/// distribution message never arrived, or this member was rekeyed out of the group.</summary>
public sealed class NoSenderKeyStateException : ProtocolException
{
    public NoSenderKeyStateException(string message) : base(message) { }
}
