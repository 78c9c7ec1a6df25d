using System.Collections.Concurrent;
using Parley.Crypto.Groups;
using Parley.Crypto.Sessions;

namespace Parley.Crypto.Storage;

/// <summary>
/// Keeps everything in memory, for tests and short-lived tools. Records are held serialized, so every
/// load goes through the same (de)serialization a persistent store uses. Identities are trusted on
/// first use; a changed identity is untrusted until <see cref="SaveIdentityAsync"/> records it.
/// </summary>
public sealed class InMemoryProtocolStore : IProtocolStore
{
    private readonly IdentityKeyPair _identity;
    private readonly uint _registrationId;
    private readonly ConcurrentDictionary<ProtocolAddress, IdentityKey> _identities = new();
    private readonly ConcurrentDictionary<uint, byte[]> _preKeys = new();
    private readonly ConcurrentDictionary<uint, byte[]> _signedPreKeys = new();
    private readonly ConcurrentDictionary<uint, byte[]> _kyberPreKeys = new();
    private readonly ConcurrentDictionary<(uint KyberId, uint SignedId, PublicKey BaseKey), bool> _lastResortUses = new();
    private readonly ConcurrentDictionary<ProtocolAddress, byte[]> _sessions = new();
    private readonly ConcurrentDictionary<(ProtocolAddress, Guid), byte[]> _senderKeys = new();

    public InMemoryProtocolStore(IdentityKeyPair identity, uint registrationId)
    {
        _identity = identity;
        _registrationId = registrationId;
    }

    public ValueTask<IdentityKeyPair> GetIdentityKeyPairAsync() => ValueTask.FromResult(_identity);

    public ValueTask<uint> GetLocalRegistrationIdAsync() => ValueTask.FromResult(_registrationId);

    public ValueTask<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey)
    {
        var replaced = false;
        _identities.AddOrUpdate(address, identityKey, (_, old) =>
        {
            replaced = !old.Equals(identityKey);
            return identityKey;
        });
        return ValueTask.FromResult(replaced);
    }

    public ValueTask<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, Direction direction) =>
        ValueTask.FromResult(!_identities.TryGetValue(address, out var known) || known.Equals(identityKey));

    public ValueTask<IdentityKey?> GetIdentityAsync(ProtocolAddress address) =>
        ValueTask.FromResult(_identities.TryGetValue(address, out var key) ? key : null);

    public ValueTask<PreKeyRecord?> LoadPreKeyAsync(uint preKeyId) =>
        ValueTask.FromResult(_preKeys.TryGetValue(preKeyId, out var bytes) ? PreKeyRecord.Deserialize(bytes) : null);

    public ValueTask StorePreKeyAsync(PreKeyRecord record)
    {
        _preKeys[record.Id] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    public ValueTask RemovePreKeyAsync(uint preKeyId)
    {
        _preKeys.TryRemove(preKeyId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint signedPreKeyId) =>
        ValueTask.FromResult(_signedPreKeys.TryGetValue(signedPreKeyId, out var bytes) ? SignedPreKeyRecord.Deserialize(bytes) : null);

    public ValueTask StoreSignedPreKeyAsync(SignedPreKeyRecord record)
    {
        _signedPreKeys[record.Id] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveSignedPreKeyAsync(uint signedPreKeyId)
    {
        _signedPreKeys.TryRemove(signedPreKeyId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<KyberPreKeyRecord?> LoadKyberPreKeyAsync(uint kyberPreKeyId) =>
        ValueTask.FromResult(_kyberPreKeys.TryGetValue(kyberPreKeyId, out var bytes) ? KyberPreKeyRecord.Deserialize(bytes) : null);

    public ValueTask StoreKyberPreKeyAsync(KyberPreKeyRecord record)
    {
        _kyberPreKeys[record.Id] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    public ValueTask MarkKyberPreKeyUsedAsync(uint kyberPreKeyId, uint signedPreKeyId, PublicKey baseKey)
    {
        if (!_kyberPreKeys.TryGetValue(kyberPreKeyId, out var bytes))
        {
            return ValueTask.CompletedTask;
        }
        if (!KyberPreKeyRecord.Deserialize(bytes).IsLastResort)
        {
            _kyberPreKeys.TryRemove(kyberPreKeyId, out _);
        }
        else if (!_lastResortUses.TryAdd((kyberPreKeyId, signedPreKeyId, baseKey), true))
        {
            throw new DuplicateMessageException("This last-resort Kyber prekey was already used with the same base key: a replayed first message.");
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address) =>
        ValueTask.FromResult(_sessions.TryGetValue(address, out var bytes) ? SessionRecord.Deserialize(bytes) : null);

    public ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record)
    {
        _sessions[address] = record.Serialize();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<uint>> GetDeviceIdsAsync(string name) =>
        ValueTask.FromResult<IReadOnlyList<uint>>(_sessions.Keys.Where(a => a.Name == name).Select(a => a.DeviceId).Order().ToList());

    public ValueTask DeleteSessionAsync(ProtocolAddress address)
    {
        _sessions.TryRemove(address, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAllSessionsAsync(string name)
    {
        foreach (var address in _sessions.Keys.Where(a => a.Name == name))
        {
            _sessions.TryRemove(address, out _);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId) =>
        ValueTask.FromResult(_senderKeys.TryGetValue((sender, distributionId), out var bytes) ? SenderKeyRecord.Deserialize(bytes) : null);

    public ValueTask StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record)
    {
        _senderKeys[(sender, distributionId)] = record.Serialize();
        return ValueTask.CompletedTask;
    }
}
