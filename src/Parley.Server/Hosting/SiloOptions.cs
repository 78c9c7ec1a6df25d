using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Hosting;

/// <summary>The node's Orleans silo. Configuration section "Silo".</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Silo-to-silo port on 127.0.0.1; 0 picks a free one (a single node needs no fixed port).</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    public string ClusterId { get; set; } = "parley";

    public string ServiceId { get; set; } = "parley";
}
