namespace Parley.Crypto.Storage;

/// <summary>One-time Curve25519 prekeys. A consumed prekey is removed.</summary>
public interface IPreKeyStore
{
    ValueTask<PreKeyRecord?> LoadPreKeyAsync(uint preKeyId);

    ValueTask StorePreKeyAsync(PreKeyRecord record);

    ValueTask RemovePreKeyAsync(uint preKeyId);
}
