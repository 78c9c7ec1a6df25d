using Parley.Crypto.Groups;

namespace Parley.Crypto.Storage;

/// <summary>Group sender keys, one record per (sender device, distribution id).</summary>
public interface ISenderKeyStore
{
    ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId);

    ValueTask StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record);
}
