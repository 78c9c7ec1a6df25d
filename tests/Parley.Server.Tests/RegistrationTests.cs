using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Registration by phone number over the real HTTP API of a real node.</summary>
public sealed class RegistrationTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(new Dictionary<string, string>
    {
        // A real (non-test) number path needs the code from the SMS sender; tests use test numbers.
        ["Registration:MaxAttempts"] = "3",
    });

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Health_answers_200_once_the_node_is_up()
    {
        var response = await _node.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Requesting_and_verifying_a_code_creates_an_account_with_a_first_device()
    {
        var phone = TestNode.NewPhoneNumber();
        var request = await PostAsync("/v1/registration/code", new { phone_number = phone });
        Assert.Equal(HttpStatusCode.OK, request.Status);
        Assert.Equal(300, request.Body.GetProperty("expires_in_seconds").GetInt32());

        var verify = await PostAsync("/v1/registration/verify", new { phone_number = phone, code = TestNode.TestCode, device_name = "phone" });
        Assert.Equal(HttpStatusCode.OK, verify.Status);
        Assert.True(Guid.TryParse(verify.Body.GetProperty("account_id").GetString(), out _));
        Assert.Equal(1u, verify.Body.GetProperty("device_id").GetUInt32());
        Assert.Equal(32, Convert.FromBase64String(verify.Body.GetProperty("token").GetString()!).Length);
    }

    [Theory]
    [InlineData("15551234567")]      // no '+'
    [InlineData("+0555123456")]      // country codes never start with 0
    [InlineData("+1555")]            // too short
    [InlineData("+1555123456789012")] // 16 digits: too long
    [InlineData("+1 555 123 4567")]  // not E.164
    [InlineData("")]
    public async Task A_number_that_is_not_E164_is_refused(string phone)
    {
        var response = await PostAsync("/v1/registration/code", new { phone_number = phone });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_phone_number", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_malformed_body_gets_a_clear_error()
    {
        var response = await _node.Http.PostAsync("/v1/registration/code", new StringContent("{\"phone_number\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_body", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        var response = await PostAsync("/v1/registration/code", new { phone_number = TestNode.NewPhoneNumber(), padding = new string('x', 10_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("body_too_large", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_says_how_many_attempts_are_left()
    {
        var phone = TestNode.NewPhoneNumber();
        var response = await PostAsync("/v1/registration/verify", new { phone_number = phone, code = "000000" });
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("wrong_code", response.Body.GetProperty("error").GetString());
        Assert.Equal(2, response.Body.GetProperty("attempts_left").GetInt32());
    }

    [Fact]
    public async Task After_too_many_wrong_codes_even_the_right_one_is_refused()
    {
        var phone = TestNode.NewPhoneNumber();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync("/v1/registration/verify", new { phone_number = phone, code = "000000" })).Status);
        }
        var response = await PostAsync("/v1/registration/verify", new { phone_number = phone, code = TestNode.TestCode });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.Status);
        Assert.Equal("too_many_attempts", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_code_in_the_wrong_format_is_refused()
    {
        var response = await PostAsync("/v1/registration/verify", new { phone_number = TestNode.NewPhoneNumber(), code = "12ab" });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_code_format", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_real_number_without_a_requested_code_has_nothing_to_verify()
    {
        var response = await PostAsync("/v1/registration/verify", new { phone_number = "+4915112345678", code = "123456" });
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("no_pending_code", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Verifying_an_existing_number_again_re_registers_it_and_revokes_the_old_devices()
    {
        var phone = TestNode.NewPhoneNumber();
        var first = await _node.RegisterAsync(phone);
        await using var oldDevice = await WireClient.ConnectDeviceAsync(_node, first);

        var second = await _node.RegisterAsync(phone);

        Assert.Equal(first.AccountId, second.AccountId);
        Assert.NotEqual(first.DeviceId, second.DeviceId);
        var frames = await oldDevice.DrainUntilClosedAsync();
        Assert.Contains(frames, f => f.Error?.Code == Protocol.ErrorCode.DeviceRevoked);
        await using var newDevice = await WireClient.ConnectDeviceAsync(_node, second);
        Assert.NotNull(newDevice.Welcome);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        var response = await _node.Http.PostAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
