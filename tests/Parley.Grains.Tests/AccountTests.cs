using Parley.Grains.Accounts;
using Parley.Grains.Linking;

namespace Parley.Grains.Tests;

public class AccountTests
{
    private static Account NewAccount()
    {
        PhoneNumber.TryParse("+15551234567", out var phone);
        return Account.Create(Guid.NewGuid(), phone, nowMs: 1000);
    }

    [Fact]
    public void Devices_get_increasing_ids_up_to_the_limit()
    {
        var account = NewAccount();
        var ids = Enumerable.Range(0, 3).Select(i => account.AddDevice($"d{i}", 1000, maxDevices: 3)!.Value.Device.DeviceId).ToList();

        Assert.Equal([1u, 2u, 3u], ids);
        Assert.Null(account.AddDevice("one too many", 1000, maxDevices: 3));
    }

    [Fact]
    public void A_revoked_device_id_is_never_reused()
    {
        var account = NewAccount();
        account.AddDevice("a", 1000, 5);
        account.AddDevice("b", 1000, 5);
        Assert.True(account.Revoke(2));

        var next = account.AddDevice("c", 1000, 5)!.Value.Device;

        Assert.Equal(3u, next.DeviceId);
        Assert.False(account.HasDevice(2));
    }

    [Fact]
    public void Only_the_devices_own_token_authenticates_it_and_only_its_hash_is_kept()
    {
        var account = NewAccount();
        var (first, firstToken) = account.AddDevice("a", 1000, 5)!.Value;
        var (_, secondToken) = account.AddDevice("b", 1000, 5)!.Value;

        Assert.True(account.Authenticate(1, DeviceToken.Hash(firstToken)));
        Assert.False(account.Authenticate(1, DeviceToken.Hash(secondToken)));
        Assert.False(account.Authenticate(3, DeviceToken.Hash(firstToken)));
        Assert.Equal(DeviceToken.Length, firstToken.Length);
        Assert.NotEqual(firstToken, first.TokenHash);
        Assert.Equal(DeviceToken.Hash(firstToken), first.TokenHash);
    }

    [Fact]
    public void A_revoked_device_no_longer_authenticates()
    {
        var account = NewAccount();
        var (_, token) = account.AddDevice("a", 1000, 5)!.Value;
        account.Revoke(1);

        Assert.False(account.Authenticate(1, DeviceToken.Hash(token)));
    }

    [Fact]
    public void Revoking_all_devices_leaves_room_for_a_new_first_device_with_a_new_id()
    {
        var account = NewAccount();
        account.AddDevice("a", 1000, 1);

        Assert.Equal([1u], account.RevokeAll());
        Assert.Equal(2u, account.AddDevice("b", 1000, 1)!.Value.Device.DeviceId);
    }

    [Theory]
    [InlineData("  phone ", "phone")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("tab\there", null)]
    public void Device_names_are_trimmed_and_checked(string input, string? expected) =>
        Assert.Equal(expected, DeviceName.Normalize(input));

    [Fact]
    public void Device_names_longer_than_fifty_characters_are_refused() =>
        Assert.Null(DeviceName.Normalize(new string('x', 51)));

    [Fact]
    public void Link_codes_are_eight_crockford_characters_and_normalize_forgivingly()
    {
        var code = LinkCodes.Generate();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", code);
        Assert.Equal(code, LinkCodes.Normalize(LinkCodes.Display(code).ToLowerInvariant()));
        Assert.Equal(code, LinkCodes.Normalize(" " + code[..4] + " - " + code[4..]));
        Assert.Null(LinkCodes.Normalize("ABCD-EFGI")); // I is not in the alphabet
        Assert.Null(LinkCodes.Normalize("ABC"));
        Assert.Null(LinkCodes.Normalize(null));
    }
}
