using Parley.Crypto.Groups;
using Parley.Crypto.Sessions;
using Parley.Crypto.Storage;

namespace Parley.Crypto.Tests.Support;

/// <summary>One Parley device in a test: identity, in-memory store, and helpers to publish prekeys.</summary>
internal sealed class ParleyParty
{
    private static int _nextRegistrationId = 1000;
    private uint _nextKeyId = 1;

    private ParleyParty(ProtocolAddress address, IdentityKeyPair identity, uint registrationId, TimeProvider? time)
    {
        Address = address;
        Identity = identity;
        RegistrationId = registrationId;
        Store = new InMemoryProtocolStore(identity, registrationId);
        Time = time ?? TimeProvider.System;
    }

    public ProtocolAddress Address { get; }
    public IdentityKeyPair Identity { get; }
    public uint RegistrationId { get; }
    public InMemoryProtocolStore Store { get; }
    public TimeProvider Time { get; }

    public static ParleyParty Create(string name, uint deviceId = 1, TimeProvider? time = null) =>
        new(new ProtocolAddress(name, deviceId), IdentityKeyPair.Generate(), (uint)Interlocked.Increment(ref _nextRegistrationId), time);

    /// <summary>Generates and stores fresh prekeys and returns the bundle a key directory would hand out.</summary>
    public async Task<PreKeyBundle> PublishBundleAsync(bool oneTimePreKey = true, bool lastResortKyber = false)
    {
        var signed = SignedPreKeyRecord.Generate(_nextKeyId++, Identity, DateTimeOffset.UtcNow);
        await Store.StoreSignedPreKeyAsync(signed);
        var kyber = KyberPreKeyRecord.Generate(_nextKeyId++, Identity, DateTimeOffset.UtcNow, lastResortKyber);
        await Store.StoreKyberPreKeyAsync(kyber);
        PreKeyRecord? preKey = null;
        if (oneTimePreKey)
        {
            preKey = PreKeyRecord.GenerateBatch(_nextKeyId++, 1)[0];
            await Store.StorePreKeyAsync(preKey);
        }
        return PreKeyBundle.Create(RegistrationId, Address.DeviceId, Identity, signed, kyber, preKey);
    }

    public SessionCipher CipherFor(ProtocolAddress remote) => new(Store, remote, Time);

    public SessionBuilder BuilderFor(ProtocolAddress remote) => new(Store, remote, Time);

    public GroupCipher Group => new(Store);

    public GroupSessionBuilder GroupBuilder => new(Store);
}
