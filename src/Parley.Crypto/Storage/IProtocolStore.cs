namespace Parley.Crypto.Storage;

/// <summary>Everything one device stores for the protocol. The SDK implements it persistently.</summary>
public interface IProtocolStore : IIdentityKeyStore, IPreKeyStore, ISignedPreKeyStore, IKyberPreKeyStore, ISessionStore, ISenderKeyStore
{
}
