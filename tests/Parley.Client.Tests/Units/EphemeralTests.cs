using Parley.Client.Ephemeral;
using Parley.Protocol;

namespace Parley.Client.Tests.Units;

public sealed class EphemeralTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_typing_indicator_lasts_until_it_expires_or_the_typist_stops_and_a_refresh_extends_it()
    {
        var board = new TypingBoard();
        board.Update(new Typing { ConversationId = "c", AccountId = "bob", DeviceId = 1, Typing_ = true, ExpiresInMs = 5000 }, T0);
        board.Update(new Typing { ConversationId = "c", AccountId = "carol", DeviceId = 1, Typing_ = true, ExpiresInMs = 5000 }, T0);
        Assert.Equal(["bob", "carol"], board.TypingIn("c", T0.AddSeconds(4)).Order());

        board.Update(new Typing { ConversationId = "c", AccountId = "bob", DeviceId = 1, Typing_ = true, ExpiresInMs = 5000 }, T0.AddSeconds(4));
        board.Update(new Typing { ConversationId = "c", AccountId = "carol", DeviceId = 1, Typing_ = false }, T0.AddSeconds(4));
        Assert.Equal(["bob"], board.TypingIn("c", T0.AddSeconds(8)));
        Assert.Empty(board.TypingIn("c", T0.AddSeconds(9)));
        Assert.Empty(board.TypingIn("other", T0));
    }

    [Fact]
    public void Keystrokes_say_typing_once_per_refresh_and_stopping_is_said_only_after_typing()
    {
        var throttle = new TypingThrottle(TimeSpan.FromSeconds(3));
        var said = Enumerable.Range(0, 10).Select(i => throttle.Keystroke("c", T0.AddSeconds(i * 0.5))).ToList();

        Assert.Equal([true, false, false, false, false, false, true, false, false, false], said);
        Assert.True(throttle.Stop("c"));
        Assert.False(throttle.Stop("c"));
        Assert.True(throttle.Keystroke("c", T0.AddSeconds(5.1)));
    }

    [Fact]
    public void Presence_reports_only_changes()
    {
        var book = new PresenceBook();
        var online = new Parley.Protocol.Presence { AccountId = "bob", Online = true };
        Assert.NotNull(book.Update(online));
        Assert.Null(book.Update(online));
        var seen = book.Update(new Parley.Protocol.Presence { AccountId = "bob", Online = false, LastSeenMs = 1_700_000_000_000 });
        Assert.Equal((false, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), (seen!.Online, seen.LastSeen!.Value));
        Assert.Null(book.Update(new Parley.Protocol.Presence { AccountId = "bob", LastSeenHidden = true })!.LastSeen);
    }

    [Theory]
    [InlineData("g_TktLlxJd7QYS4Dhx4gZojg", true)]
    [InlineData("d_PHRYjS-S7X5yZJsAbxdDlg", true)]
    [InlineData("x_PHRYjS-S7X5yZJsAbxdDlg", false)]
    [InlineData("g_short", false)]
    [InlineData("g_TktLlxJd7QYS4Dhx4gZo!g", false)]
    [InlineData("+15551230001", false)]
    public void Conversation_ids_are_recognised_by_their_shape(string text, bool isConversation) =>
        Assert.Equal(isConversation, Recipient.IsConversationId(text));
}
