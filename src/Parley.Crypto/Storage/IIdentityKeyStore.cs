namespace Parley.Crypto.Storage;

/// <summary>This device's identity and registration id, and the identity keys it has seen for its peers.</summary>
public interface IIdentityKeyStore
{
    ValueTask<IdentityKeyPair> GetIdentityKeyPairAsync();

    /// <summary>A random number the device picks at registration; it travels in first messages so a
    /// peer can tell a re-registered device from the old one.</summary>
    ValueTask<uint> GetLocalRegistrationIdAsync();

    /// <summary>Records the identity key for an address. Returns true when it replaced a different key.</summary>
    ValueTask<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey);

    /// <summary>The trust decision. The in-memory store trusts on first use and then only the saved key;
    /// an app may apply another policy (for example, trust changes when receiving and ask when sending).</summary>
    ValueTask<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, Direction direction);

    ValueTask<IdentityKey?> GetIdentityAsync(ProtocolAddress address);
}
