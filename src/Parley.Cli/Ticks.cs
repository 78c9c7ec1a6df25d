using Parley.Client.Messaging;

namespace Parley.Cli;

/// <summary>How an own message's status shows: ◷ waiting, ✓ sent, ✓✓ delivered, ✓✓ read (blue), ✗ refused.</summary>
public static class Ticks
{
    public static string Text(MessageStatus status) => status switch
    {
        MessageStatus.Pending => "◷",
        MessageStatus.Sent => "✓",
        MessageStatus.Delivered => "✓✓",
        MessageStatus.Read => "✓✓ read",
        MessageStatus.Failed => "✗ refused",
        _ => "",
    };

    public static string Markup(MessageStatus status) => status switch
    {
        MessageStatus.Read => "[blue]✓✓ read[/]",
        MessageStatus.Failed => "[red]✗ refused[/]",
        MessageStatus.Pending => "[grey]◷[/]",
        _ => "[grey]" + Text(status) + "[/]",
    };
}
