namespace Parley.Crypto.Storage;

/// <summary>Kyber1024 prekeys, one-time and last-resort.</summary>
public interface IKyberPreKeyStore
{
    ValueTask<KyberPreKeyRecord?> LoadKyberPreKeyAsync(uint kyberPreKeyId);

    ValueTask StoreKyberPreKeyAsync(KyberPreKeyRecord record);

    /// <summary>Called once a first message that used the key has decrypted. A one-time key must be
    /// removed. A last-resort key stays, but the store must refuse (throw
    /// <see cref="DuplicateMessageException"/>) a second use with the same signed prekey id and base key,
    /// which can only be a replay.</summary>
    ValueTask MarkKyberPreKeyUsedAsync(uint kyberPreKeyId, uint signedPreKeyId, PublicKey baseKey);
}
