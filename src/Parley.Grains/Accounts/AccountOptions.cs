using System.ComponentModel.DataAnnotations;

namespace Parley.Grains.Accounts;

/// <summary>Limits on accounts and their devices. Configuration section "Accounts".</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>Devices per account, the first one included.</summary>
    [Range(1, 100)]
    public int MaxDevices { get; set; } = 5;

    /// <summary>Live connections one device may hold at once (a reconnect may overlap a dying one).</summary>
    [Range(1, 100)]
    public int MaxConnectionsPerDevice { get; set; } = 2;

    /// <summary>How long a link code stays usable.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LinkCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
