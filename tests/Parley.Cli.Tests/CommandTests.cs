using Parley.Cli.Tests.Support;
using Parley.Testing;

namespace Parley.Cli.Tests;

/// <summary>The command's contract at its edges: what `send` promises when the node is away, and how failures read.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private readonly Profiles _profiles = new();
    private readonly string _data = Directory.CreateTempSubdirectory("parley-cli-node-").FullName;
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(dataDirectory: _data);

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _profiles.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Send_fails_while_the_node_is_down_and_the_message_goes_out_once_with_the_next_command()
    {
        var registered = await Task.WhenAll(_profiles.RegisterAsync(_node, "alice"), _profiles.RegisterAsync(_node, "bob"));
        var ((alice, _), (bob, bobPhone)) = (registered[0], registered[1]);
        var conversation = (await alice.JsonAsync("send", bobPhone, "first")).GetProperty("conversation_id").GetString()!;
        var port = _node.Port;
        await _node.DisposeAsync();

        var offline = await alice.RunAsync("send", conversation, "written while the node was down", "--timeout", "2");
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains("stays in the outbox", OneLine(offline.Error));

        _node = await TestNode.StartAsync(dataDirectory: _data, port: port);
        var synced = await alice.JsonAsync("sync");
        Assert.Equal(0, synced.GetProperty("outbox").GetInt32());
        var history = await bob.JsonAsync("history", conversation);
        Assert.Equal(["first", "written while the node was down"], history.EnumerateArray().Select(r => r.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_link_code_from_one_profile_makes_another_profile_a_second_device_with_the_history()
    {
        var registered = await Task.WhenAll(_profiles.RegisterAsync(_node, "phone"), _profiles.RegisterAsync(_node, "bob"));
        var ((phone, number), (bob, bobPhone)) = (registered[0], registered[1]);
        await bob.JsonAsync("send", number, "before the laptop existed");

        var code = (await phone.JsonAsync("link")).GetProperty("code").GetString()!;
        var laptop = _profiles.For(_node, "laptop");
        var linked = await laptop.JsonAsync("link", code, "--name", "laptop");

        Assert.Equal((2, number), (linked.GetProperty("device_id").GetInt32(), linked.GetProperty("phone_number").GetString()));
        var devices = await laptop.JsonAsync("devices");
        Assert.Equal([("parley cli", false), ("laptop", true)], devices.EnumerateArray().Select(d => (d.GetProperty("name").GetString(), d.GetProperty("current").GetBoolean())));
        var history = await laptop.JsonAsync("history", bobPhone);
        Assert.Equal(["before the laptop existed"], history.EnumerateArray().Select(r => r.GetProperty("text").GetString()));
        var reused = await _profiles.For(_node, "another").RunAsync("link", code);
        Assert.Contains("link_code_not_found", OneLine(reused.Error));
    }

    [Fact]
    public async Task Failures_are_one_line_on_stderr_with_a_non_zero_exit_code()
    {
        var (alice, _) = await _profiles.RegisterAsync(_node, "alice");
        var stranger = _profiles.For(_node, "nobody");

        // Independent of each other: run side by side.
        var runs = new (Task<Run> Run, int Code, string Says)[]
        {
            (stranger.RunAsync("send", "+15550000000", "hi"), 1, "no device in profile"),
            (alice.RunAsync("send", NodeEndpoint.NewPhoneNumber(), "hi"), 1, "no account has the number"),
            (alice.RunAsync("send", "bob", "hi"), 1, "is neither a phone number"),
            (alice.RunAsync("history", "g_AAAAAAAAAAAAAAAAAAAAAA"), 1, "no such conversation"),
            (alice.RunAsync("group", "add", "g_AAAAAAAAAAAAAAAAAAAAAA", "+15550000000"), 1, "no account has the number"),
            (alice.RunAsync("register", NodeEndpoint.NewPhoneNumber(), "--code", "123456"), 1, "already holds the device"),
            (_profiles.For(_node, "wrong").RunAsync("register", NodeEndpoint.NewPhoneNumber(), "--code", "654321"), 1, "wrong_code"),
            (ParleyCommand.RunRawAsync(["sync", "--profile", alice.Profile, "--server", "http://127.0.0.1:1", "--timeout", "2"]), 1, "gave up after 2 s"),
            (alice.RunAsync("group", "leave", "g_AAAAAAAAAAAAAAAAAAAAAA"), 1, "not found: "),
            (alice.RunAsync("frobnicate"), 2, "frobnicate"),
        };
        await Task.WhenAll(runs.Select(r => r.Run));
        var cases = runs.Select(r => (Run: r.Run.Result, r.Code, r.Says)).ToList();

        foreach (var (run, code, says) in cases)
        {
            Assert.True(run.ExitCode == code, $"expected exit {code} ({says}), got {run.ExitCode}: {run.Error}");
            Assert.Contains(says, OneLine(run.Error));
            Assert.Empty(run.Output);
        }
    }

    /// <summary>The error output, which must be exactly one line starting "parley:" and carry no stack trace.</summary>
    private static string OneLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{error}");
        Assert.StartsWith("parley: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        return lines[0];
    }
}
