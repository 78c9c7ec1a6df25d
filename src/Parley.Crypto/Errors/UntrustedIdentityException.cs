namespace Parley.Crypto;

/// <summary>The peer's identity key differs from the one the identity store trusts for that address
/// (for example, the peer re-registered). Nothing was sent, decrypted or stored. Show the new safety
/// number; once the user accepts it, save the identity and retry.</summary>
public sealed class UntrustedIdentityException : ProtocolException
{
    public UntrustedIdentityException(ProtocolAddress address, IdentityKey identityKey)
        : base($"The identity key of {address} is not trusted.")
    {
        Address = address;
        IdentityKey = identityKey;
    }

    public ProtocolAddress Address { get; }

    public IdentityKey IdentityKey { get; }
}
