namespace Parley.Crypto;

/// <summary>There is no usable session with the address (never established, deleted, or an
/// unacknowledged session that went stale). Fetch a fresh prekey bundle to start one.</summary>
public sealed class NoSessionException : ProtocolException
{
    public NoSessionException(ProtocolAddress address, string message) : base($"{message} ({address})")
    {
        Address = address;
    }

    public ProtocolAddress Address { get; }
}
