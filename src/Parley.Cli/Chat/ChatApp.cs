using System.Text;
using System.Threading.Channels;
using Parley.Client;
using Parley.Client.Connections;
using Parley.Protocol;
using Spectre.Console;

namespace Parley.Cli.Chat;

/// <summary>
/// The interactive chat: one loop owns the screen's state. Keys come from a reader thread, news from
/// the client's events, and results of background work (sending, looking up a number) as inputs; the
/// loop applies them in order and redraws the live display. The open conversation is marked read as
/// its messages are shown; typing is announced while keys are pressed and withdrawn on send or pause.
/// </summary>
internal sealed class ChatApp(Session session, string? openWith)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan TypingPause = TimeSpan.FromSeconds(4);

    private readonly ParleyClient _client = session.Client;
    private readonly Channel<ChatInput> _inputs = Channel.CreateUnbounded<ChatInput>();
    private readonly StringBuilder _line = new();
    private string? _selected;
    private string? _newChatPeer;
    private string? _newChatLabel;
    private string? _notice;
    private DateTimeOffset _noticeUntil;
    private ConnectionStatus _connection = new(ConnectionState.Connecting);
    private DateTimeOffset _connectionSince = DateTimeOffset.UtcNow;
    private DateTimeOffset? _typingSince;
    private DateTimeOffset _lastKey;
    private ulong _readRequested;
    private bool _quit;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Console.OutputEncoding = Encoding.UTF8;
        Console.TreatControlCAsInput = true;
        _connection = _client.Status;
        _client.ConnectionChanged += (_, status) => _inputs.Writer.TryWrite(new ChatInput.Changed());
        _client.MessageReceived += (_, _) => Changed();
        _client.MessageStatusChanged += (_, _) => Changed();
        _client.TypingChanged += (_, _) => Changed();
        _client.PresenceChanged += (_, _) => Changed();
        _client.ConversationChanged += (_, _) => Changed();
        StartKeyReader();
        if (openWith is not null)
        {
            Open(openWith);
        }

        var state = await SnapshotAsync(cancellationToken);
        await AnsiConsole.Live(ChatView.Render(state, Console.WindowWidth, Console.WindowHeight))
            .AutoClear(true)
            .Overflow(VerticalOverflow.Crop)
            .Cropping(VerticalOverflowCropping.Top)
            .StartAsync(async display =>
            {
                while (!_quit && !cancellationToken.IsCancellationRequested)
                {
                    await HandleInputsAsync(cancellationToken);
                    state = await SnapshotAsync(cancellationToken);
                    display.UpdateTarget(ChatView.Render(state, Console.WindowWidth, Console.WindowHeight));
                    display.Refresh();
                    MarkReadIfShown(state);
                    StopTypingAfterPause();
                }
            });
        if (_selected is { } open)
        {
            await _client.StoppedTypingAsync(open, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return 0;
    }

    private void Changed() => _inputs.Writer.TryWrite(new ChatInput.Changed());

    private void StartKeyReader()
    {
        var reader = new Thread(() =>
        {
            while (true)
            {
                _inputs.Writer.TryWrite(new ChatInput.KeyPressed(Console.ReadKey(intercept: true)));
            }
        })
        {
            IsBackground = true,
            Name = "parley chat keys",
        };
        reader.Start();
    }

    /// <summary>Waits for an input (at most a tick, so countdowns and typing expiry move), then takes every input waiting.</summary>
    private async Task HandleInputsAsync(CancellationToken cancellationToken)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        tick.CancelAfter(Tick);
        await ((Task)_inputs.Reader.WaitToReadAsync(tick.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_inputs.Reader.TryRead(out var input))
        {
            switch (input)
            {
                case ChatInput.KeyPressed key:
                    OnKey(key.Key);
                    break;
                case ChatInput.Opened opened:
                    _selected = opened.ConversationId;
                    _newChatPeer = opened.PeerAccountId;
                    _newChatLabel = opened.PeerAccountId is null ? null : opened.Label;
                    break;
                case ChatInput.Problem problem:
                    Notify(problem.Message);
                    break;
            }
        }
        var status = _client.Status;
        if (status != _connection)
        {
            _connection = status;
            _connectionSince = DateTimeOffset.UtcNow;
        }
    }

    private void OnKey(ConsoleKeyInfo key)
    {
        _lastKey = DateTimeOffset.UtcNow;
        if (key.Key == ConsoleKey.Escape || key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.C or ConsoleKey.D)
        {
            _quit = true;
            return;
        }
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                Submit();
                return;
            case ConsoleKey.Backspace:
                if (_line.Length > 0)
                {
                    _line.Length--;
                }
                if (_line.Length == 0)
                {
                    StopTyping();
                }
                return;
            case ConsoleKey.Tab when key.Modifiers.HasFlag(ConsoleModifiers.Shift):
            case ConsoleKey.UpArrow:
                _move = -1;
                return;
            case ConsoleKey.Tab:
            case ConsoleKey.DownArrow:
                _move = 1;
                return;
        }
        if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
        {
            _line.Append(key.KeyChar);
            if (_selected is { } conversation && !_line.ToString().StartsWith('/'))
            {
                _typingSince ??= DateTimeOffset.UtcNow;
                Background(_client.KeystrokeAsync(conversation));
            }
        }
    }

    private int _move;

    private void Submit()
    {
        var text = _line.ToString().Trim();
        _line.Clear();
        StopTyping();
        if (text.Length == 0)
        {
            return;
        }
        if (text.StartsWith('/'))
        {
            Command(text);
            return;
        }
        Recipient? to = _selected is { } id ? Recipient.Conversation(id) : _newChatPeer is { } peer ? Recipient.Account(peer) : null;
        if (to is null)
        {
            Notify("No conversation open: type /to +PHONE to start one");
            return;
        }
        Background(SendAsync(to, text));
    }

    private async Task SendAsync(Recipient to, string text)
    {
        var pending = await _client.SendTextAsync(to, text);
        await pending.Sent; // a refusal shows on the notice line; the outbox keeps unsent messages across restarts
    }

    private void Command(string text)
    {
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (parts[0])
        {
            case "/quit" or "/q" or "/exit":
                _quit = true;
                break;
            case "/to" or "/open" when parts.Length == 2:
                Open(parts[1]);
                break;
            default:
                Notify("Commands: /to +PHONE (or a conversation id) opens a chat; /quit leaves");
                break;
        }
    }

    /// <summary>Looks up a chat to open in the background; the result comes back as an input.</summary>
    private void Open(string to) => Background(Task.Run(async () =>
    {
        var recipient = await Targets.ResolveAsync(_client, to, CancellationToken.None);
        if (recipient.ConversationId is { } id)
        {
            _inputs.Writer.TryWrite(new ChatInput.Opened(id, null, to));
            return;
        }
        try
        {
            var existing = await Targets.ConversationAsync(_client, recipient.AccountId!, CancellationToken.None);
            _inputs.Writer.TryWrite(new ChatInput.Opened(existing, null, to));
        }
        catch (CliException)
        {
            // No conversation yet: the first message creates it.
            _inputs.Writer.TryWrite(new ChatInput.Opened(null, recipient.AccountId, to));
        }
    }));

    private void StopTyping()
    {
        _typingSince = null;
        if (_selected is { } conversation)
        {
            Background(_client.StoppedTypingAsync(conversation));
        }
    }

    private void StopTypingAfterPause()
    {
        if (_typingSince is not null && DateTimeOffset.UtcNow - _lastKey > TypingPause)
        {
            StopTyping();
        }
    }

    /// <summary>Marks the open conversation read once its newest messages are on screen.</summary>
    private void MarkReadIfShown(ChatState state)
    {
        if (state.Selected is not { } conversation || _connection.State != ConnectionState.Online)
        {
            return;
        }
        var newest = state.Messages.Where(m => m.Seq > 0).Select(m => m.Seq).DefaultIfEmpty(0ul).Max();
        var readSeq = state.Conversation?.Member(_client.AccountId)?.ReadSeq ?? 0;
        if (newest > readSeq && newest > _readRequested && state.Messages.Any(m => !m.IsOwn && m.Seq > readSeq))
        {
            _readRequested = newest;
            Background(_client.MarkReadAsync(conversation, newest));
        }
    }

    private void Notify(string message)
    {
        _notice = message;
        _noticeUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(8);
    }

    /// <summary>Runs work without waiting for it; a failure comes back as a notice.</summary>
    private void Background(Task work) => work.ContinueWith(
        done =>
        {
            if (done.Exception?.InnerException is { } error)
            {
                _inputs.Writer.TryWrite(new ChatInput.Problem(Cli.Describe(error).Message));
            }
        },
        TaskScheduler.Default);

    private async Task<ChatState> SnapshotAsync(CancellationToken cancellationToken)
    {
        var me = _client.AccountId;
        var records = await _client.GetConversationsAsync(cancellationToken);
        var items = new List<(ChatListItem Item, DateTimeOffset Last)>();
        foreach (var record in records.Where(r => r.Member(me) is not null || r.Kind == ConversationKind.Group))
        {
            var last = (await _client.Store.GetEntriesAsync(record.Id, 1, cancellationToken: cancellationToken)).LastOrDefault();
            items.Add((new ChatListItem(record.Id, Names.Of(record, me), await _client.UnreadCountAsync(record.Id, cancellationToken), record.Kind == ConversationKind.Group),
                last?.Time ?? DateTimeOffset.MinValue));
        }
        var list = items.OrderByDescending(i => i.Last).ThenBy(i => i.Item.Title, StringComparer.Ordinal).Select(i => i.Item).ToList();

        if (_newChatPeer is { } peer && records.FirstOrDefault(r => r.Kind == ConversationKind.Direct && r.Member(peer) is not null) is { } started)
        {
            _selected = started.Id; // the first message created the conversation
            _newChatPeer = null;
            _newChatLabel = null;
        }
        if (_move != 0 && list.Count > 0)
        {
            var index = list.FindIndex(i => i.Id == _selected);
            _selected = list[((index < 0 ? 0 : index + _move) % list.Count + list.Count) % list.Count].Id;
            _newChatPeer = null;
            _newChatLabel = null;
            _move = 0;
        }
        if (_selected is null && _newChatPeer is null && list.Count > 0)
        {
            _selected = list[0].Id;
        }

        var conversation = _selected is null ? null : records.FirstOrDefault(r => r.Id == _selected);
        var messages = _selected is null ? [] : await _client.GetMessagesAsync(_selected, 300, cancellationToken);
        var typing = _selected is null ? [] : _client.TypingIn(_selected).Select(a => Names.Person(conversation, a)).ToList();
        var presence = conversation is { Kind: ConversationKind.Direct } && conversation.Members.FirstOrDefault(m => m.AccountId != me) is { } other
            ? _client.PresenceOf(other.AccountId)
            : null;
        var now = DateTimeOffset.UtcNow;
        return new ChatState
        {
            Me = _client.Identity.PhoneNumber.Length > 0 ? _client.Identity.PhoneNumber : $"device {_client.Identity.DeviceId}",
            Connection = _connection,
            ConnectionSince = _connectionSince,
            Conversations = list,
            Selected = _selected,
            NewChatWith = _newChatLabel,
            Conversation = conversation,
            Messages = messages,
            Typing = typing,
            Presence = presence,
            Input = _line.ToString(),
            Notice = now < _noticeUntil ? _notice : null,
            Now = now,
        };
    }
}
