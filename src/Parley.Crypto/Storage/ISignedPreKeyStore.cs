namespace Parley.Crypto.Storage;

/// <summary>Signed prekeys, kept until the app retires them after rotation.</summary>
public interface ISignedPreKeyStore
{
    ValueTask<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint signedPreKeyId);

    ValueTask StoreSignedPreKeyAsync(SignedPreKeyRecord record);

    ValueTask RemoveSignedPreKeyAsync(uint signedPreKeyId);
}
