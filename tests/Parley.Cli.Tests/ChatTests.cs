using Parley.Cli.Tests.Support;
using Parley.Testing;

namespace Parley.Cli.Tests;

/// <summary>`parley chat` in a real terminal (tmux): typing with send-keys, reading the screen with capture-pane.</summary>
public sealed class ChatTests : IAsyncLifetime
{
    private readonly Profiles _profiles = new();
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _profiles.Dispose();
    }

    [Fact]
    public async Task The_chat_shows_an_incoming_message_live_and_the_ticks_of_a_reply_turn_to_read()
    {
        var registered = await Task.WhenAll(_profiles.RegisterAsync(_node, "alice"), _profiles.RegisterAsync(_node, "bob"));
        var ((alice, alicePhone), (bob, bobPhone)) = (registered[0], registered[1]);
        await using var terminal = await Tmux.StartAsync(["dotnet", ParleyCommand.Dll, "chat", "--server", _node.BaseAddress.ToString(), "--profile", alice.Profile]);
        await terminal.WaitForAsync(s => s.Contains("● online") && s.Contains("none yet"), "the chat to come online with no conversations");

        // Bob writes first: the message appears live, and the open conversation is marked read.
        await bob.JsonAsync("send", alicePhone, "hello from bob");
        var screen = await terminal.WaitForAsync(s => s.Contains($"{bobPhone}: hello from bob"), "bob's message on alice's screen");
        Assert.Contains($"▶ {bobPhone}", screen);

        // Alice answers by typing in the terminal: ✓ once the node stored it.
        await terminal.TypeAsync("hi bob, got it");
        await terminal.WaitForAsync(s => s.Contains("> hi bob, got it"), "the typed line");
        await terminal.SendKeysAsync("Enter");
        screen = await terminal.WaitForAsync(s => s.Contains("you: hi bob, got it ✓"), "the sent tick");
        Assert.DoesNotContain("you: hi bob, got it ✓✓", screen); // bob has not connected since

        // Bob's device fetches it (✓✓), then bob reads it (read).
        await bob.JsonAsync("sync");
        await terminal.WaitForAsync(s => s.Contains("you: hi bob, got it ✓✓"), "the delivered ticks");
        await bob.JsonAsync("read", alicePhone);
        await terminal.WaitForAsync(s => s.Contains("you: hi bob, got it ✓✓ read"), "the read ticks");

        // Alice's chat marked bob's message read while it was on screen: bob's history says so.
        var history = await bob.JsonAsync("history", alicePhone);
        Assert.Equal("read", history.EnumerateArray().First().GetProperty("status").GetString());

        await terminal.SendKeysAsync("Escape");
        screen = await terminal.WaitForAsync(s => s.Contains("[exited"), "the chat to quit");
        Assert.Contains("[exited 0]", screen);
    }
}
