using Parley.Crypto.Messages;
using Parley.Crypto.Storage;

namespace Parley.Crypto.Sessions;

/// <summary>Encrypts to and decrypts from one peer device. Calls for the same address must not run
/// concurrently (each loads, updates and stores the session record).</summary>
public sealed class SessionCipher
{
    private readonly IProtocolStore _store;
    private readonly ProtocolAddress _remote;
    private readonly TimeProvider _time;

    public SessionCipher(IProtocolStore store, ProtocolAddress remote, TimeProvider? time = null)
    {
        _store = store;
        _remote = remote;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Encrypts one message. Until the peer has replied this is a <see cref="PreKeySignalMessage"/>,
    /// afterwards a <see cref="SignalMessage"/>.</summary>
    /// <exception cref="NoSessionException">No session, or an unacknowledged one older than
    /// <see cref="SessionLimits.MaxUnacknowledgedSessionAge"/>.</exception>
    /// <exception cref="UntrustedIdentityException">The peer's identity is no longer trusted.</exception>
    public async ValueTask<CiphertextMessage> EncryptAsync(ReadOnlyMemory<byte> plaintext)
    {
        var record = await _store.LoadSessionAsync(_remote).ConfigureAwait(false);
        var current = record?.Current ?? throw new NoSessionException(_remote, "No session to encrypt with.");
        if (current.PendingPreKey is { } stale && stale.CreatedAt + SessionLimits.MaxUnacknowledgedSessionAge < _time.GetUtcNow())
        {
            throw new NoSessionException(_remote, "The session was never acknowledged and has gone stale.");
        }
        if (!await _store.IsTrustedIdentityAsync(_remote, current.RemoteIdentity, Direction.Sending).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote, current.RemoteIdentity);
        }

        var state = current.Clone();
        var signalMessage = DoubleRatchet.Encrypt(state, plaintext.Span);
        CiphertextMessage result = signalMessage;
        if (state.PendingPreKey is { } pending)
        {
            result = PreKeySignalMessage.Create(
                state.LocalRegistrationId,
                pending.PreKeyId,
                pending.SignedPreKeyId,
                pending.KyberPreKeyId,
                pending.KyberCiphertext,
                pending.BaseKey,
                state.LocalIdentity,
                signalMessage);
        }

        await _store.SaveIdentityAsync(_remote, state.RemoteIdentity).ConfigureAwait(false);
        record.SetCurrent(state);
        await _store.StoreSessionAsync(_remote, record).ConfigureAwait(false);
        return result;
    }

    /// <summary>Decrypts a <see cref="PreKeySignalMessage"/> or a <see cref="SignalMessage"/>.</summary>
    public ValueTask<byte[]> DecryptAsync(CiphertextMessage message) => message switch
    {
        PreKeySignalMessage preKey => DecryptAsync(preKey),
        SignalMessage signal => DecryptAsync(signal),
        _ => throw new ArgumentException($"A SessionCipher cannot decrypt a {message.Type} message.", nameof(message)),
    };

    /// <summary>Decrypts a first message: builds the session with PQXDH if it is new (retiring the
    /// one-time prekeys it used), then decrypts the message inside.</summary>
    /// <exception cref="UntrustedIdentityException">The sender's identity differs from the trusted one.</exception>
    /// <exception cref="InvalidKeyIdException">A prekey it names is gone (typically a replay).</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    /// <exception cref="InvalidMessageException">Tampered or malformed.</exception>
    public async ValueTask<byte[]> DecryptAsync(PreKeySignalMessage message)
    {
        var record = await _store.LoadSessionAsync(_remote).ConfigureAwait(false) ?? new SessionRecord();
        var builder = new SessionBuilder(_store, _remote, _time);
        var used = await builder.ProcessAsync(message, record).ConfigureAwait(false);

        var state = record.Current!.Clone();
        var plaintext = DoubleRatchet.Decrypt(state, message.Message);
        record.SetCurrent(state);

        await _store.SaveIdentityAsync(_remote, message.IdentityKey).ConfigureAwait(false);
        if (used is not null)
        {
            await _store.MarkKyberPreKeyUsedAsync(used.KyberPreKeyId, used.SignedPreKeyId, message.BaseKey).ConfigureAwait(false);
            if (used.PreKeyId is { } preKeyId)
            {
                await _store.RemovePreKeyAsync(preKeyId).ConfigureAwait(false);
            }
        }
        await _store.StoreSessionAsync(_remote, record).ConfigureAwait(false);
        return plaintext;
    }

    /// <summary>Decrypts a message on an established session, trying archived sessions when the current
    /// one does not fit (and making the one that does current).</summary>
    /// <exception cref="NoSessionException">There is no session with the peer at all.</exception>
    /// <exception cref="DuplicateMessageException">Already decrypted.</exception>
    /// <exception cref="InvalidMessageException">Tampered, or no session can decrypt it.</exception>
    /// <exception cref="UntrustedIdentityException">The session's identity is no longer trusted.</exception>
    public async ValueTask<byte[]> DecryptAsync(SignalMessage message)
    {
        var record = await _store.LoadSessionAsync(_remote).ConfigureAwait(false);
        if (record is null || record.SessionCount == 0)
        {
            throw new NoSessionException(_remote, "No session to decrypt with.");
        }

        var plaintext = DecryptWithRecord(record, message, out var identity);
        if (!await _store.IsTrustedIdentityAsync(_remote, identity, Direction.Receiving).ConfigureAwait(false))
        {
            throw new UntrustedIdentityException(_remote, identity);
        }
        await _store.SaveIdentityAsync(_remote, identity).ConfigureAwait(false);
        await _store.StoreSessionAsync(_remote, record).ConfigureAwait(false);
        return plaintext;
    }

    private static byte[] DecryptWithRecord(SessionRecord record, SignalMessage message, out IdentityKey identity)
    {
        InvalidMessageException? firstFailure = null;
        if (record.Current is { } current)
        {
            var state = current.Clone();
            try
            {
                var plaintext = DoubleRatchet.Decrypt(state, message);
                record.SetCurrent(state);
                identity = state.RemoteIdentity;
                return plaintext;
            }
            catch (InvalidMessageException e)
            {
                firstFailure = e;
            }
        }
        for (var i = 0; i < record.Previous.Count; i++)
        {
            var state = record.Previous[i].Clone();
            try
            {
                var plaintext = DoubleRatchet.Decrypt(state, message);
                record.PromoteArchived(i, state);
                identity = state.RemoteIdentity;
                return plaintext;
            }
            catch (InvalidMessageException e)
            {
                firstFailure ??= e;
            }
        }
        throw new InvalidMessageException(
            $"No session with this peer can decrypt the message ({record.SessionCount} tried); it was tampered with or belongs to a discarded chain.",
            firstFailure!);
    }
}
