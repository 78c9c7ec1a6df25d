using System.Text.Json.Nodes;
using Parley.Crypto.Messages;
using static Parley.Crypto.Tests.Support.Bytes;

namespace Parley.Crypto.Tests.Support;

/// <summary>A libsignal device inside the harness, addressed by name.</summary>
internal sealed class LibsignalParty
{
    private readonly LibsignalHarness _harness;

    private LibsignalParty(LibsignalHarness harness, ProtocolAddress address, IdentityKey identityKey)
    {
        _harness = harness;
        Address = address;
        IdentityKey = identityKey;
    }

    public ProtocolAddress Address { get; }

    public IdentityKey IdentityKey { get; }

    public static object Json(ProtocolAddress address) => new { name = address.Name, deviceId = address.DeviceId };

    public static async Task<LibsignalParty> CreateAsync(LibsignalHarness harness, string prefix, uint deviceId = 1, uint registrationId = 4242)
    {
        var address = new ProtocolAddress($"{prefix}-{Guid.NewGuid():N}", deviceId);
        var created = await harness.CallAsync("party.create", new { name = address.Name, deviceId, registrationId });
        return new LibsignalParty(harness, address, IdentityKey.Deserialize(FromB64(created["identityKey"])));
    }

    /// <summary>A fresh bundle from libsignal, as Parley's type, plus the Kyber secret key (for key-level checks).</summary>
    public async Task<(PreKeyBundle Bundle, byte[] KyberSecretKey)> BundleAsync(bool oneTimePreKey = true)
    {
        var b = await _harness.CallAsync("party.bundle", new { party = Address.Name, oneTimePreKey });
        var bundle = new PreKeyBundle(
            b["registrationId"]!.GetValue<uint>(),
            b["deviceId"]!.GetValue<uint>(),
            b["preKeyId"] is JsonNode id ? id.GetValue<uint>() : null,
            b["preKey"] is JsonNode key ? PublicKey.Deserialize(FromB64(key)) : null,
            b["signedPreKeyId"]!.GetValue<uint>(),
            PublicKey.Deserialize(FromB64(b["signedPreKey"])),
            FromB64(b["signedPreKeySignature"]),
            IdentityKey.Deserialize(FromB64(b["identityKey"])),
            b["kyberPreKeyId"]!.GetValue<uint>(),
            KemPublicKey.Deserialize(FromB64(b["kyberPreKey"])),
            FromB64(b["kyberPreKeySignature"]));
        return (bundle, FromB64(b["kyberSecretKey"]));
    }

    public Task ProcessBundleAsync(ProtocolAddress remote, PreKeyBundle bundle) =>
        _harness.CallAsync("session.processBundle", new
        {
            party = Address.Name,
            remote = Json(remote),
            bundle = new
            {
                registrationId = bundle.RegistrationId,
                deviceId = bundle.DeviceId,
                preKeyId = bundle.PreKeyId,
                preKey = bundle.PreKey is null ? null : B64(bundle.PreKey.Serialize()),
                signedPreKeyId = bundle.SignedPreKeyId,
                signedPreKey = B64(bundle.SignedPreKey.Serialize()),
                signedPreKeySignature = B64(bundle.SignedPreKeySignature),
                identityKey = B64(bundle.IdentityKey.Serialize()),
                kyberPreKeyId = bundle.KyberPreKeyId,
                kyberPreKey = B64(bundle.KyberPreKey.Serialize()),
                kyberPreKeySignature = B64(bundle.KyberPreKeySignature),
            },
        });

    public async Task<CiphertextMessage> EncryptAsync(ProtocolAddress remote, byte[] plaintext)
    {
        var result = await _harness.CallAsync("session.encrypt", new { party = Address.Name, remote = Json(remote), plaintext = B64(plaintext) });
        return CiphertextMessage.Deserialize((CiphertextMessageType)result["type"]!.GetValue<int>(), FromB64(result["body"]));
    }

    public async Task<byte[]> DecryptAsync(ProtocolAddress remote, CiphertextMessage message)
    {
        var result = await _harness.CallAsync("session.decrypt", new { party = Address.Name, remote = Json(remote), type = (int)message.Type, body = B64(message.Serialize()) });
        return FromB64(result["plaintext"]);
    }

    public async Task<byte[]?> SessionRecordAsync(ProtocolAddress remote)
    {
        var result = await _harness.CallAsync("session.record", new { party = Address.Name, remote = Json(remote) });
        return result["record"] is JsonNode record ? FromB64(record) : null;
    }
}
