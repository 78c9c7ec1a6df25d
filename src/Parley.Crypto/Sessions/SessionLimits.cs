namespace Parley.Crypto.Sessions;

/// <summary>The bounds that keep a session's memory and work finite. The values are libsignal's.</summary>
public static class SessionLimits
{
    /// <summary>How far ahead of a chain's position a message may be; further is refused as invalid.</summary>
    public const uint MaxForwardJumps = 25_000;

    /// <summary>Message keys kept per receiving chain for messages that have not arrived yet (oldest dropped first).</summary>
    public const int MaxSkippedKeysPerChain = 2_000;

    /// <summary>Receiving chains kept per session; a message on an older chain can no longer be decrypted.</summary>
    public const int MaxReceiverChains = 5;

    /// <summary>Earlier sessions kept per peer device, tried when the current one cannot decrypt.</summary>
    public const int MaxArchivedSessions = 40;

    /// <summary>How long the initiator keeps sending first messages without a reply before the session counts as stale.</summary>
    public static readonly TimeSpan MaxUnacknowledgedSessionAge = TimeSpan.FromDays(30);
}
