using Google.Protobuf;
using Parley.Crypto.Messages;
using Parley.Crypto.PqRatchet;
using Parley.Crypto.Protos;

namespace Parley.Crypto.Sessions;

/// <summary>One session with one peer device: the Double Ratchet's root key and chains, the
/// post-quantum ratchet, and the facts PQXDH fixed (identities, base key, registration ids).</summary>
internal sealed class SessionState
{
    internal SessionState(
        IdentityKey localIdentity,
        IdentityKey remoteIdentity,
        byte[] rootKey,
        ChainState senderChain,
        PublicKey aliceBaseKey,
        PqRatchetState pqRatchet)
    {
        LocalIdentity = localIdentity;
        RemoteIdentity = remoteIdentity;
        RootKey = rootKey;
        SenderChain = senderChain;
        AliceBaseKey = aliceBaseKey;
        PqRatchet = pqRatchet;
    }

    internal uint Version { get; private init; } = CiphertextMessage.CurrentVersion;
    internal IdentityKey LocalIdentity { get; }
    internal IdentityKey RemoteIdentity { get; }
    internal byte[] RootKey { get; set; }
    internal uint PreviousCounter { get; set; }
    internal ChainState SenderChain { get; set; }
    internal List<ChainState> ReceiverChains { get; private init; } = [];
    internal PendingPreKey? PendingPreKey { get; set; }
    internal uint LocalRegistrationId { get; set; }
    internal uint RemoteRegistrationId { get; set; }

    /// <summary>The initiator's PQXDH base key: identifies the session on both sides.</summary>
    internal PublicKey AliceBaseKey { get; }

    internal PqRatchetState PqRatchet { get; private set; }

    internal SessionState Clone() => new(LocalIdentity, RemoteIdentity, RootKey, SenderChain.Clone(), AliceBaseKey, PqRatchet.Clone())
    {
        Version = Version,
        PreviousCounter = PreviousCounter,
        ReceiverChains = ReceiverChains.Select(c => c.Clone()).ToList(),
        PendingPreKey = PendingPreKey,
        LocalRegistrationId = LocalRegistrationId,
        RemoteRegistrationId = RemoteRegistrationId,
    };

    internal ChainState? FindReceiverChain(PublicKey ratchetKey) => ReceiverChains.Find(c => c.RatchetKey.Equals(ratchetKey));

    internal void AddReceiverChain(ChainState chain)
    {
        ReceiverChains.Add(chain);
        while (ReceiverChains.Count > SessionLimits.MaxReceiverChains)
        {
            ReceiverChains.RemoveAt(0);
        }
    }

    internal SessionStateProto ToProto()
    {
        var proto = new SessionStateProto
        {
            Version = Version,
            LocalIdentity = ByteString.CopyFrom(LocalIdentity.Serialize()),
            RemoteIdentity = ByteString.CopyFrom(RemoteIdentity.Serialize()),
            RootKey = ByteString.CopyFrom(RootKey),
            PreviousCounter = PreviousCounter,
            SenderChain = SenderChain.ToProto(),
            PendingPreKey = PendingPreKey?.ToProto(),
            LocalRegistrationId = LocalRegistrationId,
            RemoteRegistrationId = RemoteRegistrationId,
            AliceBaseKey = ByteString.CopyFrom(AliceBaseKey.Serialize()),
            PqRatchet = PqRatchet.ToProto(),
        };
        proto.ReceiverChains.AddRange(ReceiverChains.Select(c => c.ToProto()));
        return proto;
    }

    internal static SessionState FromProto(SessionStateProto proto)
    {
        if (proto.Version != CiphertextMessage.CurrentVersion)
        {
            throw new UnsupportedVersionException($"The session is version {proto.Version}; this library speaks version {CiphertextMessage.CurrentVersion}.");
        }
        if (proto.RootKey.Length != 32 || proto.SenderChain is null)
        {
            throw new InvalidMessageException("The session record is malformed.");
        }
        return new SessionState(
            IdentityKey.Deserialize(proto.LocalIdentity.Span),
            IdentityKey.Deserialize(proto.RemoteIdentity.Span),
            proto.RootKey.ToByteArray(),
            ChainState.FromProto(proto.SenderChain),
            PublicKey.Deserialize(proto.AliceBaseKey.Span),
            PqRatchetState.FromProto(proto.PqRatchet))
        {
            Version = proto.Version,
            PreviousCounter = proto.PreviousCounter,
            ReceiverChains = proto.ReceiverChains.Select(ChainState.FromProto).ToList(),
            PendingPreKey = proto.PendingPreKey is null ? null : PendingPreKey.FromProto(proto.PendingPreKey),
            LocalRegistrationId = proto.LocalRegistrationId,
            RemoteRegistrationId = proto.RemoteRegistrationId,
        };
    }
}
