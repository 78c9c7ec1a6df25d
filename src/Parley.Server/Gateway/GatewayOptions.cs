using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Gateway;

/// <summary>Limits and timings of device connections. Configuration section "Gateway".</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>Largest frame (one WebSocket message) a device may send.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 256 * 1024;

    /// <summary>Time a new connection has to send its hello.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan HeartbeatMinInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan HeartbeatMaxInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that sends nothing at all for this long is closed (and its device shown offline).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "02:00:00")]
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>Frames waiting to be written to one connection; a device that lets more pile up is disconnected.</summary>
    [Range(16, 1_000_000)]
    public int OutboundQueueFrames { get; set; } = 1024;

    /// <summary>Requests one connection may have unanswered at once.</summary>
    [Range(1, 10_000)]
    public int MaxRequestsInFlight { get; set; } = 128;

    /// <summary>How long a closing connection may take to finish its close handshake before it is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CloseGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries per page when a device catches up from the store.</summary>
    [Range(1, 10_000)]
    public int SyncPageEntries { get; set; } = 256;

    /// <summary>Entries sent to a device and not yet acknowledged before catching up pauses (flow control).</summary>
    [Range(1, 1_000_000)]
    public int SyncWindowEntries { get; set; } = 2048;

    /// <summary>
    /// How long a connection holds back an entry that overtook an older one (live entries travel
    /// through actors on several threads) before it fetches the missing ones from the store.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan ReorderGrace { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest frame of entries the node sends (more entries go into further frames).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEntriesFrameBytes { get; set; } = 512 * 1024;

    /// <summary>Messages one account may send per second, over all its devices and connections to this node.</summary>
    [Range(1, 1_000_000)]
    public int SendRatePerSecond { get; set; } = 100;

    /// <summary>Messages an account may send in a burst above its rate.</summary>
    [Range(1, 1_000_000)]
    public int SendBurst { get; set; } = 200;

    /// <summary>Presence subscriptions one connection may hold.</summary>
    [Range(0, 100_000)]
    public int MaxPresenceSubscriptions { get; set; } = 512;

    /// <summary>How often a connection renews its registration with its account's actor.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RegistrationRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatMinInterval > HeartbeatMaxInterval)
        {
            yield return new ValidationResult("Gateway:HeartbeatMinInterval must not exceed Gateway:HeartbeatMaxInterval.");
        }
        if (HeartbeatTimeout <= HeartbeatMaxInterval)
        {
            yield return new ValidationResult("Gateway:HeartbeatTimeout must exceed Gateway:HeartbeatMaxInterval, or idle devices are cut off between pings.");
        }
    }
}
