using Parley.Crypto.Messages;
using Parley.Crypto.PqRatchet;
using Parley.Crypto.Storage;

namespace Parley.Crypto.Sessions;

/// <summary>Starts sessions: as initiator from a peer's <see cref="PreKeyBundle"/>, and (used by
/// <see cref="SessionCipher"/>) as recipient from a <see cref="PreKeySignalMessage"/>.</summary>
public sealed class SessionBuilder
{
    private readonly IProtocolStore _store;
    private readonly ProtocolAddress _remote;
    private readonly TimeProvider _time;

    public SessionBuilder(IProtocolStore store, ProtocolAddress remote, TimeProvider? time = null)
    {
        _store = store;
        _remote = remote;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs PQXDH against the bundle and makes the result the current session with the peer
    /// (an earlier session is archived). The next <see cref="SessionCipher.EncryptAsync"/> produces a
    /// <see cref="PreKeySignalMessage"/>.</summary>
    /// <exception cref="UntrustedIdentityException">The bundle's identity differs from the trusted one.</exception>
    /// <exception cref="InvalidSignatureException">A prekey signature does not verify.</exception>
    public async ValueTask ProcessAsync(PreKeyBundle bundle)
    {
        if (!await _store.IsTrustedIdentityAsync(_remote, bundle.IdentityKey, Direction.Sending).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote, bundle.IdentityKey);
        }
        if (!bundle.IdentityKey.VerifySignature(bundle.SignedPreKey.Serialize(), bundle.SignedPreKeySignature))
        {
            throw new InvalidSignatureException("The bundle's signed prekey signature does not verify.");
        }
        if (!bundle.IdentityKey.VerifySignature(bundle.KyberPreKey.Serialize(), bundle.KyberPreKeySignature))
        {
            throw new InvalidSignatureException("The bundle's Kyber prekey signature does not verify.");
        }

        var ourIdentity = await _store.GetIdentityKeyPairAsync().ConfigureAwait(false);
        var baseKey = KeyPair.Generate();
        var (secrets, kyberCiphertext) = Pqxdh.Initiate(ourIdentity, baseKey, bundle.IdentityKey, bundle.SignedPreKey, bundle.PreKey, bundle.KyberPreKey);

        // Alice receives on Bob's signed prekey (as his first ratchet key) and sends on a fresh ratchet key.
        var receiving = new ChainState(bundle.SignedPreKey, null, secrets.ChainKey, 0, []);
        var sendingKey = KeyPair.Generate();
        var (rootKey, sendingChainKey) = RatchetKeys.RootStep(secrets.RootKey, sendingKey.PrivateKey, bundle.SignedPreKey);
        var state = new SessionState(
            ourIdentity.IdentityKey,
            bundle.IdentityKey,
            rootKey,
            new ChainState(sendingKey.PublicKey, sendingKey.PrivateKey, sendingChainKey, 0, []),
            baseKey.PublicKey,
            PqRatchetState.Create(secrets.PqAuthKey, isInitiator: true))
        {
            PendingPreKey = new PendingPreKey(bundle.PreKeyId, bundle.SignedPreKeyId, baseKey.PublicKey, _time.GetUtcNow(), bundle.KyberPreKeyId, kyberCiphertext),
            LocalRegistrationId = await _store.GetLocalRegistrationIdAsync().ConfigureAwait(false),
            RemoteRegistrationId = bundle.RegistrationId,
        };
        state.AddReceiverChain(receiving);

        await _store.SaveIdentityAsync(_remote, bundle.IdentityKey).ConfigureAwait(false);
        var record = await _store.LoadSessionAsync(_remote).ConfigureAwait(false) ?? new SessionRecord();
        record.PromoteState(state);
        await _store.StoreSessionAsync(_remote, record).ConfigureAwait(false);
    }

    /// <summary>The recipient's side: finds the session this first message belongs to, or builds it with
    /// PQXDH. Nothing is stored here; the caller stores the record once the message decrypts.</summary>
    /// <returns>The prekeys to retire once the message decrypts (null when the session already existed).</returns>
    internal async ValueTask<PreKeysUsed?> ProcessAsync(PreKeySignalMessage message, SessionRecord record)
    {
        if (!await _store.IsTrustedIdentityAsync(_remote, message.IdentityKey, Direction.Receiving).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote, message.IdentityKey);
        }
        if (record.PromoteSessionWithBaseKey(message.BaseKey))
        {
            return null;
        }

        var signedPreKey = await _store.LoadSignedPreKeyAsync(message.SignedPreKeyId).ConfigureAwait(false)
            ?? throw new InvalidKeyIdException($"No signed prekey with id {message.SignedPreKeyId}.");
        var kyberPreKey = await _store.LoadKyberPreKeyAsync(message.KyberPreKeyId).ConfigureAwait(false)
            ?? throw new InvalidKeyIdException($"No Kyber prekey with id {message.KyberPreKeyId} (already used, or never issued).");
        PreKeyRecord? oneTimePreKey = null;
        if (message.PreKeyId is { } preKeyId)
        {
            oneTimePreKey = await _store.LoadPreKeyAsync(preKeyId).ConfigureAwait(false)
                ?? throw new InvalidKeyIdException($"No one-time prekey with id {preKeyId} (already used, or never issued).");
        }

        var ourIdentity = await _store.GetIdentityKeyPairAsync().ConfigureAwait(false);
        var secrets = Pqxdh.Accept(ourIdentity, signedPreKey.KeyPair, oneTimePreKey?.KeyPair, kyberPreKey.KeyPair, message.IdentityKey, message.BaseKey, message.KyberCiphertext);

        // Bob's first sending chain hangs off his signed prekey; he ratchets as soon as Alice's key arrives.
        var state = new SessionState(
            ourIdentity.IdentityKey,
            message.IdentityKey,
            secrets.RootKey,
            new ChainState(signedPreKey.KeyPair.PublicKey, signedPreKey.KeyPair.PrivateKey, secrets.ChainKey, 0, []),
            message.BaseKey,
            PqRatchetState.Create(secrets.PqAuthKey, isInitiator: false))
        {
            LocalRegistrationId = await _store.GetLocalRegistrationIdAsync().ConfigureAwait(false),
            RemoteRegistrationId = message.RegistrationId,
        };
        record.PromoteState(state);
        return new PreKeysUsed(message.PreKeyId, message.SignedPreKeyId, message.KyberPreKeyId);
    }

    internal sealed record PreKeysUsed(uint? PreKeyId, uint SignedPreKeyId, uint KyberPreKeyId);
}
