namespace Parley.Client.Messaging;

/// <summary>How far one of the device's own messages has come (the ticks), or that a message is someone else's.</summary>
public enum MessageStatus
{
    /// <summary>In the outbox: not yet acknowledged by the node.</summary>
    Pending,

    /// <summary>Stored by the node (✓).</summary>
    Sent,

    /// <summary>Received by a device of every other member (✓✓).</summary>
    Delivered,

    /// <summary>Read by every other member.</summary>
    Read,

    /// <summary>Refused by the node for good; it stays in the outbox, marked.</summary>
    Failed,

    /// <summary>Not the device's account's message.</summary>
    Received,
}
