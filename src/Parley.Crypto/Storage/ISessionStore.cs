using Parley.Crypto.Sessions;

namespace Parley.Crypto.Storage;

/// <summary>Session records, one per peer device. Parley.Crypto loads a record, works on it and
/// stores it back within one call; calls for the same address must not run concurrently.</summary>
public interface ISessionStore
{
    ValueTask<SessionRecord?> LoadSessionAsync(ProtocolAddress address);

    ValueTask StoreSessionAsync(ProtocolAddress address, SessionRecord record);

    /// <summary>The device ids with a session for <paramref name="name"/>.</summary>
    ValueTask<IReadOnlyList<uint>> GetDeviceIdsAsync(string name);

    ValueTask DeleteSessionAsync(ProtocolAddress address);

    ValueTask DeleteAllSessionsAsync(string name);
}
