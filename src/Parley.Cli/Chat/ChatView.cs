using System.Globalization;
using System.Text;
using Parley.Client.Connections;
using Parley.Client.Messaging;
using Parley.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli.Chat;

/// <summary>
/// Draws the chat screen from a <see cref="ChatState"/>: a status line, the conversation list beside
/// the open conversation, who is typing, the input line and a line of help. Every line is cut to the
/// screen's width and the whole fits its height, so a live display can redraw it in place.
/// </summary>
internal static class ChatView
{
    public const int ListWidth = 30;

    public static IRenderable Render(ChatState state, int width, int height)
    {
        width = Math.Max(60, width);
        height = Math.Max(12, height);
        var bodyHeight = height - 5; // status, typing, input, help, and one line of slack at the bottom
        var list = new Panel(new Rows(ListLines(state, ListWidth - 4, bodyHeight - 2).Select(l => new Markup(l))))
        {
            Header = new PanelHeader(" Chats "),
            Width = ListWidth,
            Height = bodyHeight,
            Border = BoxBorder.Rounded,
        };
        var messagesWidth = width - ListWidth - 1;
        var conversation = new Panel(new Rows(MessageLines(state, messagesWidth - 4, bodyHeight - 2).Select(l => new Markup(l))))
        {
            Header = new PanelHeader(" " + Markup.Escape(Cut(Title(state), messagesWidth - 8)) + " "),
            Width = messagesWidth,
            Height = bodyHeight,
            Border = BoxBorder.Rounded,
        };
        var body = new Grid().AddColumn(new GridColumn().NoWrap().Width(ListWidth).Padding(0, 0, 1, 0)).AddColumn(new GridColumn().NoWrap().Width(messagesWidth).Padding(0, 0, 0, 0));
        body.AddRow(list, conversation);
        return new Rows(
            new Markup(StatusLine(state, width)),
            body,
            new Markup(TypingLine(state, width)),
            new Markup("[bold]>[/] " + Markup.Escape(Tail(state.Input, width - 4)) + "[blink]▏[/]"),
            new Markup("[grey]" + Markup.Escape(Cut(state.Notice ?? "Enter send · Tab/↑↓ switch chat · /to PHONE new chat · Esc quit", width - 1)) + "[/]"));
    }

    public static string StatusLine(ChatState state, int width)
    {
        var connection = state.Connection.State switch
        {
            ConnectionState.Online => "[green]● online[/]",
            ConnectionState.Syncing => "[yellow]◌ syncing…[/]",
            ConnectionState.Connecting => "[yellow]◌ connecting…[/]" + Why(state.Connection),
            ConnectionState.WaitingToReconnect => $"[red]◌ reconnecting in {Remaining(state):0.0} s[/]" + Why(state.Connection),
            ConnectionState.Refused => "[red]✗ refused[/]" + Why(state.Connection),
            _ => "[grey]○ offline[/]",
        };
        return Cut($"[bold]Parley[/] · {Markup.Escape(state.Me)} · {connection}", width - 1, markup: true);
    }

    private static string Why(ConnectionStatus status) =>
        status.LastDisconnect is { } last ? " [grey]— " + Markup.Escape(Cut(last.ToString(), 70)) + "[/]" : "";

    private static double Remaining(ChatState state) =>
        Math.Max(0, ((state.Connection.RetryIn ?? TimeSpan.Zero) - (state.Now - state.ConnectionSince)).TotalSeconds);

    private static string Title(ChatState state)
    {
        if (state.Conversation is null)
        {
            return state.NewChatWith is { } peer ? $"{peer} · new chat" : "no conversation";
        }
        var title = Names.Of(state.Conversation, "");
        title = state.Conversation.Kind == Protocol.ConversationKind.Group
            ? $"{state.Conversation.Name} · {state.Conversation.Members.Count} members"
            : state.Conversations.FirstOrDefault(c => c.Id == state.Selected)?.Title ?? title;
        if (state.Presence is { } presence && state.Connection.State == ConnectionState.Online)
        {
            title += presence.Online ? " · online"
                : presence.LastSeen is { } seen ? $" · last seen {seen.ToLocalTime().ToString("MMM d HH:mm", CultureInfo.InvariantCulture)}"
                : "";
        }
        return title;
    }

    private static IEnumerable<string> ListLines(ChatState state, int width, int height)
    {
        if (state.Conversations.Count == 0 && state.NewChatWith is null)
        {
            yield return "[grey]none yet[/]";
            yield break;
        }
        var shown = 0;
        if (state.NewChatWith is { } peer && state.Selected is null)
        {
            yield return "[bold]▶ " + Markup.Escape(Cut(peer, width - 2)) + "[/]";
            shown++;
        }
        foreach (var item in state.Conversations)
        {
            if (shown++ >= height)
            {
                yield break;
            }
            var selected = item.Id == state.Selected;
            var unread = item.Unread > 0 ? $" ({item.Unread})" : "";
            var name = Cut((item.IsGroup ? "# " : "") + item.Title, width - 2 - unread.Length);
            var line = (selected ? "▶ " : "  ") + Markup.Escape(name) + (unread.Length > 0 ? $"[green]{unread}[/]" : "");
            yield return selected ? $"[bold]{line}[/]" : line;
        }
    }

    private static IEnumerable<string> MessageLines(ChatState state, int width, int height)
    {
        var lines = new List<string>();
        foreach (var message in state.Messages)
        {
            lines.AddRange(Lines(message, state, width));
        }
        if (lines.Count == 0)
        {
            lines.Add(state.Selected is null && state.NewChatWith is null
                ? "[grey]No conversation open. Type /to +PHONE to start one.[/]"
                : "[grey]No messages yet. Say hello.[/]");
        }
        return lines.Skip(Math.Max(0, lines.Count - height));
    }

    private static IEnumerable<string> Lines(Message message, ChatState state, int width)
    {
        var time = message.Time.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);
        var who = message.IsOwn ? "you" : Names.Person(state.Conversation, message.SenderAccountId);
        var text = HistoryCommand.Describe(message, state.Conversation);
        if (message.Reactions is { Count: > 0 } reactions)
        {
            text += "  " + string.Concat(reactions.Values);
        }
        var ticks = message.IsOwn && message.Kind == MessageKind.Text ? " " + Ticks.Text(message.Status) : "";
        var prefix = $"{time} {who}: ";
        var room = Math.Max(10, width - prefix.Length);
        var chunks = Wrap(text + ticks, room);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            var tickPart = "";
            if (i == chunks.Count - 1 && ticks.Length > 0 && chunk.EndsWith(ticks, StringComparison.Ordinal))
            {
                chunk = chunk[..^ticks.Length];
                tickPart = " " + Ticks.Markup(message.Status);
            }
            var head = i == 0
                ? $"[grey]{time}[/] {(message.IsOwn ? "[cyan]you[/]" : "[bold]" + Markup.Escape(who) + "[/]")}: "
                : new string(' ', prefix.Length);
            var body = message.Kind == MessageKind.Membership ? $"[grey italic]{Markup.Escape(chunk)}[/]" : Markup.Escape(chunk);
            yield return head + body + tickPart;
        }
    }

    private static string TypingLine(ChatState state, int width) => state.Typing.Count switch
    {
        0 => " ",
        1 => "[italic grey]" + Markup.Escape(Cut(state.Typing[0] + " is typing…", width - 1)) + "[/]",
        _ => "[italic grey]" + Markup.Escape(Cut(string.Join(", ", state.Typing) + " are typing…", width - 1)) + "[/]",
    };

    /// <summary>Breaks text into lines of at most <paramref name="width"/> characters, at spaces where it can.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "").Split('\n'))
        {
            var rest = paragraph;
            while (rest.Length > width)
            {
                var cut = rest.LastIndexOf(' ', width);
                if (cut <= 0)
                {
                    cut = width;
                }
                lines.Add(rest[..cut]);
                rest = rest[cut..].TrimStart(' ');
            }
            lines.Add(rest);
        }
        return lines;
    }

    private static string Cut(string text, int width, bool markup = false)
    {
        if (markup)
        {
            return text; // markup lines are built short; Spectre crops what is left (NoWrap)
        }
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        text = clean.ToString();
        return text.Length <= width ? text : text[..Math.Max(0, width - 1)] + "…";
    }

    private static string Tail(string text, int width) => text.Length <= width ? text : "…" + text[^(width - 1)..];
}
