using System.ComponentModel.DataAnnotations;

namespace Parley.Grains.Conversations;

/// <summary>Limits of conversations and their logs. Configuration section "Conversations".</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    public const int MaxGroupNameLength = 100;

    /// <summary>Members of a group, its creator included.</summary>
    [Range(2, 100_000)]
    public int MaxGroupMembers { get; set; } = 1024;

    /// <summary>Largest message: its payload, or the sum of its per-device payloads.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Client message ids a conversation remembers in memory; older retries are found in the store when marked as retries.</summary>
    [Range(16, 1_000_000)]
    public int DedupWindow { get; set; } = 512;

    /// <summary>How far back (in entries) a send marked as a retry is looked for in the store.</summary>
    [Range(0, 100_000_000)]
    public int RetryLookback { get; set; } = 100_000;

    /// <summary>How long acknowledgements gather before a conversation writes its cursors and sends its receipts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ReceiptFlushDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a typing indicator shows unless refreshed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan TypingExpiry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries are kept at least this long, and until every member device has acknowledged them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);
}
